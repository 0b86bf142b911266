/**
 * The `lambda-function` task: deploy (create or update), invoke, versions, aliases, permissions.
 * Each action's implementation, with the Lambda and S3 clients, loads when a step runs or plans
 * (see lazyAction).
 */
import { lazyAction, type TaskDefinition } from '../task.js';
import {
  addPermissionParams,
  aliasParams,
  createParams,
  deleteParams,
  deployParams,
  FUNCTION_OUTPUTS,
  invokeParams,
  pruneParams,
  publishVersionParams,
  removePermissionParams,
  updateCodeParams,
  updateConfigurationParams,
} from './params.js';

export const lambdaFunctionTask: TaskDefinition = {
  name: 'lambda-function',
  description: 'AWS Lambda functions: deploy, invoke, versions, aliases and resource-policy permissions.',
  actions: {
    deploy: lazyAction({
      description:
        'Create the function or update what differs (code by CodeSha256, configuration by member), then publish and move an alias.',
      params: deployParams,
      outputs: [...FUNCTION_OUTPUTS, 'aliasArn'],
      plannable: true,
      load: async () => (await import('./deploy.js')).deploy,
    }),
    create: lazyAction({
      description: 'Create a function (fails if it exists: use deploy to create or update).',
      params: createParams,
      outputs: FUNCTION_OUTPUTS,
      plannable: true,
      load: async () => (await import('./functions.js')).create,
    }),
    'update-code': lazyAction({
      description: "Update a function's code; skipped when CodeSha256 already matches.",
      params: updateCodeParams,
      outputs: FUNCTION_OUTPUTS,
      plannable: true,
      load: async () => (await import('./functions.js')).updateCode,
    }),
    'update-configuration': lazyAction({
      description: "Update a function's configuration: only the members that differ are sent; skipped when none does.",
      params: updateConfigurationParams,
      outputs: FUNCTION_OUTPUTS,
      plannable: true,
      load: async () => (await import('./functions.js')).updateConfiguration,
    }),
    invoke: lazyAction({
      description:
        'Invoke a function (sync, async or dry run) and report its result; fails on a function error unless allowed.',
      params: invokeParams,
      outputs: ['functionName', 'statusCode', 'payload', 'executedVersion', 'functionError'],
      plannable: true,
      load: async () => (await import('./invoke.js')).invoke,
    }),
    'publish-version': lazyAction({
      description: 'Publish $LATEST as a new version (or report the version that already holds it).',
      params: publishVersionParams,
      outputs: [...FUNCTION_OUTPUTS, 'versionArn'],
      plannable: true,
      load: async () => (await import('./versions.js')).publishVersion,
    }),
    alias: lazyAction({
      description: 'Create an alias or point it to another version, optionally routing a share to a second version.',
      params: aliasParams,
      outputs: ['functionName', 'functionArn', 'aliasArn', 'aliasName', 'version'],
      plannable: true,
      load: async () => (await import('./aliases.js')).alias,
    }),
    'add-permission': lazyAction({
      description:
        'Allow a service or account to invoke the function (idempotent by statementId: identical is kept, different is replaced).',
      params: addPermissionParams,
      outputs: ['functionName', 'statementId', 'statement'],
      plannable: true,
      load: async () => (await import('./permissions.js')).addPermission,
    }),
    'remove-permission': lazyAction({
      description: "Remove a statement from the function's resource policy.",
      params: removePermissionParams,
      outputs: ['functionName', 'statementId'],
      plannable: true,
      load: async () => (await import('./permissions.js')).removePermission,
    }),
    delete: lazyAction({
      description: 'Delete a function, or one of its versions.',
      params: deleteParams,
      outputs: ['functionName'],
      plannable: true,
      load: async () => (await import('./functions.js')).remove,
    }),
    'prune-versions': lazyAction({
      description: 'Delete old versions: keep the newest N and every version an alias points or routes to.',
      params: pruneParams,
      outputs: ['functionName', 'deleted', 'kept'],
      plannable: true,
      load: async () => (await import('./versions.js')).pruneVersions,
    }),
  },
};
