/** The `lambda-function` task: deploy (create or update), invoke, versions, aliases, permissions. */
import type { TaskDefinition } from '../task.js';
import { alias } from './aliases.js';
import { deploy } from './deploy.js';
import { create, remove, updateCode, updateConfiguration } from './functions.js';
import { invoke } from './invoke.js';
import { addPermission, removePermission } from './permissions.js';
import { pruneVersions, publishVersion } from './versions.js';

export const lambdaFunctionTask: TaskDefinition = {
  name: 'lambda-function',
  description: 'AWS Lambda functions: deploy, invoke, versions, aliases and resource-policy permissions.',
  actions: {
    deploy,
    create,
    'update-code': updateCode,
    'update-configuration': updateConfiguration,
    invoke,
    'publish-version': publishVersion,
    alias,
    'add-permission': addPermission,
    'remove-permission': removePermission,
    delete: remove,
    'prune-versions': pruneVersions,
  },
};
