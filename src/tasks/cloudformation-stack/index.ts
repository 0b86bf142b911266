/**
 * The `cloudformation-stack` task: deploy a stack (create, or update if it exists), create,
 * update, delete, change sets, validate, package (`aws cloudformation package`). Parameters are CreateStack's members in lowerCamelCase
 * (see params.ts); outputs are stackId, stackName, stackStatus and each of the stack's Outputs by
 * its key (`${steps.stack.outputs.FunctionArn}`).
 */
import { defineAction, type TaskDefinition } from '../task.js';
import {
  CHANGE_SET_OUTPUTS,
  createChangeSetAction,
  createChangeSetParams,
  EXECUTE_OUTPUTS,
  executeChangeSetAction,
  executeChangeSetParams,
  planExecuteChangeSet,
  planStack,
} from './change-sets.js';
import { deleteParams, deleteStack, planDelete } from './delete.js';
import { deployParams, deployStack, updateParams } from './deploy.js';
import { packageAction } from './package-action.js';
import { STACK_OUTPUTS } from './stack.js';
import { VALIDATE_OUTPUTS, validateParams, validateTemplate } from './validate.js';

/**
 * Stack actions set the stack's Outputs too, under their own keys, which only the template knows:
 * `*` says any further name may be set.
 */
const WITH_STACK_OUTPUTS = [...STACK_OUTPUTS, '*'] as const;

export const cloudFormationStackTask: TaskDefinition = {
  name: 'cloudformation-stack',
  description: 'Create, update and delete CloudFormation stacks, directly or through change sets.',
  actions: {
    deploy: defineAction({
      description:
        'Create the stack, or update it if it already exists ("No updates are to be performed." is a skip); a stack left in ROLLBACK_COMPLETE is deleted and created again.',
      params: deployParams,
      run: (params, ctx) => deployStack(params, ctx, 'deploy'),
      plan: (params, ctx) => planStack(params, ctx, 'deploy'),
      outputs: WITH_STACK_OUTPUTS,
    }),
    create: defineAction({
      description: 'Create the stack; fails if it exists (except in ROLLBACK_COMPLETE, which is deleted first).',
      params: deployParams,
      run: (params, ctx) => deployStack(params, ctx, 'create'),
      plan: (params, ctx) => planStack(params, ctx, 'create'),
      outputs: WITH_STACK_OUTPUTS,
    }),
    update: defineAction({
      description: 'Update the stack, which must exist; "No updates are to be performed." is a skip.',
      params: updateParams,
      run: (params, ctx) => deployStack(params, ctx, 'update'),
      plan: (params, ctx) => planStack(params, ctx, 'update'),
      outputs: WITH_STACK_OUTPUTS,
    }),
    delete: defineAction({
      description: 'Delete the stack and wait for DELETE_COMPLETE; a stack that does not exist is a skip.',
      params: deleteParams,
      run: deleteStack,
      plan: planDelete,
      outputs: STACK_OUTPUTS,
    }),
    'create-change-set': defineAction({
      description:
        'Create a change set (CREATE for a new stack, UPDATE otherwise) and wait until it is computed; an empty change set is a skip.',
      params: createChangeSetParams,
      run: createChangeSetAction,
      outputs: CHANGE_SET_OUTPUTS,
    }),
    'execute-change-set': defineAction({
      description: 'Execute a change set and wait for the stack to finish.',
      params: executeChangeSetParams,
      run: executeChangeSetAction,
      plan: planExecuteChangeSet,
      outputs: [...EXECUTE_OUTPUTS, '*'],
    }),
    package: packageAction,
    validate: defineAction({
      description: 'Validate a template (ValidateTemplate): its parameters and required capabilities.',
      params: validateParams,
      run: validateTemplate,
      outputs: VALIDATE_OUTPUTS,
    }),
  },
};
