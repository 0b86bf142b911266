/**
 * The `cloudformation-stack` task: deploy a stack (create, or update if it exists), create,
 * update, delete, change sets, validate, package (`aws cloudformation package`). Parameters are CreateStack's members in lowerCamelCase
 * (see params.ts); outputs are stackId, stackName, stackStatus and each of the stack's Outputs by
 * its key (`${steps.stack.outputs.FunctionArn}`).
 */
import { type ActionImplementation, lazyAction, type TaskDefinition } from '../task.js';
import type { DeployMode } from './deploy.js';
import {
  CHANGE_SET_OUTPUTS,
  createChangeSetParams,
  type DeployParams,
  deleteParams,
  deployParams,
  EXECUTE_OUTPUTS,
  executeChangeSetParams,
  PACKAGE_OUTPUTS,
  packageParams,
  STACK_OUTPUTS,
  updateParams,
  VALIDATE_OUTPUTS,
  validateParams,
} from './params.js';

/**
 * Stack actions set the stack's Outputs too, under their own keys, which only the template knows:
 * `*` says any further name may be set.
 */
const WITH_STACK_OUTPUTS = [...STACK_OUTPUTS, '*'] as const;

/** deploy, create and update: one implementation, in the mode the action names. */
async function deploying(mode: DeployMode): Promise<ActionImplementation<DeployParams>> {
  const [{ deployStack }, { planStack }] = await Promise.all([import('./deploy.js'), import('./change-sets.js')]);
  return { run: (params, ctx) => deployStack(params, ctx, mode), plan: (params, ctx) => planStack(params, ctx, mode) };
}

export const cloudFormationStackTask: TaskDefinition = {
  name: 'cloudformation-stack',
  description: 'Create, update and delete CloudFormation stacks, directly or through change sets.',
  actions: {
    deploy: lazyAction({
      description:
        'Create the stack, or update it if it already exists ("No updates are to be performed." is a skip); a stack left in ROLLBACK_COMPLETE is deleted and created again.',
      params: deployParams,
      plannable: true,
      load: () => deploying('deploy'),
      outputs: WITH_STACK_OUTPUTS,
    }),
    create: lazyAction({
      description: 'Create the stack; fails if it exists (except in ROLLBACK_COMPLETE, which is deleted first).',
      params: deployParams,
      plannable: true,
      load: () => deploying('create'),
      outputs: WITH_STACK_OUTPUTS,
    }),
    update: lazyAction({
      description: 'Update the stack, which must exist; "No updates are to be performed." is a skip.',
      params: updateParams,
      plannable: true,
      load: () => deploying('update'),
      outputs: WITH_STACK_OUTPUTS,
    }),
    delete: lazyAction({
      description: 'Delete the stack and wait for DELETE_COMPLETE; a stack that does not exist is a skip.',
      params: deleteParams,
      plannable: true,
      load: async () => {
        const { deleteStack, planDelete } = await import('./delete.js');
        return { run: deleteStack, plan: planDelete };
      },
      outputs: STACK_OUTPUTS,
    }),
    'create-change-set': lazyAction({
      description:
        'Create a change set (CREATE for a new stack, UPDATE otherwise) and wait until it is computed; an empty change set is a skip.',
      params: createChangeSetParams,
      plannable: false,
      load: async () => ({ run: (await import('./change-sets.js')).createChangeSetAction }),
      outputs: CHANGE_SET_OUTPUTS,
    }),
    'execute-change-set': lazyAction({
      description: 'Execute a change set and wait for the stack to finish.',
      params: executeChangeSetParams,
      plannable: true,
      load: async () => {
        const { executeChangeSetAction, planExecuteChangeSet } = await import('./change-sets.js');
        return { run: executeChangeSetAction, plan: planExecuteChangeSet };
      },
      outputs: [...EXECUTE_OUTPUTS, '*'],
    }),
    package: lazyAction({
      description:
        'Package a template like `aws cloudformation package`: upload the local artifacts it names (zipped reproducibly, keyed by content hash, skipped when there) and write the rewritten template.',
      params: packageParams,
      outputs: PACKAGE_OUTPUTS,
      plannable: true,
      load: async () => (await import('./package-action.js')).packageAction,
    }),
    validate: lazyAction({
      description: 'Validate a template (ValidateTemplate): its parameters and required capabilities.',
      params: validateParams,
      plannable: false,
      load: async () => ({ run: (await import('./validate.js')).validateTemplate }),
      outputs: VALIDATE_OUTPUTS,
    }),
  },
};
