/**
 * The `event-source-mapping` task (the seed's pull model): create a mapping from a stream or
 * queue to a function, update it, enable or disable it at any time, delete it. Parameters are
 * CreateEventSourceMapping's members in lowerCamelCase (see params.ts); a mapping is addressed by
 * `uuid`, or found as the one of `functionName` on `eventSourceArn`.
 */
import { defineAction, type TaskDefinition } from '../task.js';
import {
  createMapping,
  deleteMapping,
  MAPPING_OUTPUTS,
  planCreate,
  planDelete,
  planSetEnabled,
  planUpdate,
  setEnabled,
  updateMapping,
} from './mappings.js';
import { createParams, selectParams, updateParams } from './params.js';

export const eventSourceMappingTask: TaskDefinition = {
  name: 'event-source-mapping',
  description: 'Create, update, enable, disable and delete Lambda event source mappings (the pull model).',
  actions: {
    create: defineAction({
      description:
        'Create a mapping and wait until it is Enabled (or Disabled); the mapping of the same function on the same source is updated instead (a skip when nothing differs).',
      params: createParams,
      run: createMapping,
      plan: planCreate,
      outputs: MAPPING_OUTPUTS,
    }),
    update: defineAction({
      description: 'Update a mapping (by uuid, or functionName + eventSourceArn) and wait for its state to settle.',
      params: updateParams,
      run: updateMapping,
      plan: planUpdate,
      outputs: MAPPING_OUTPUTS,
    }),
    enable: defineAction({
      description: 'Enable a mapping and wait for Enabled (a skip when it is).',
      params: selectParams,
      run: (params, ctx) => setEnabled(params, true, ctx),
      plan: (params, ctx) => planSetEnabled(params, true, ctx),
      outputs: MAPPING_OUTPUTS,
    }),
    disable: defineAction({
      description: 'Disable a mapping (for maintenance) and wait for Disabled (a skip when it is).',
      params: selectParams,
      run: (params, ctx) => setEnabled(params, false, ctx),
      plan: (params, ctx) => planSetEnabled(params, false, ctx),
      outputs: MAPPING_OUTPUTS,
    }),
    delete: defineAction({
      description: 'Delete a mapping and wait until it is gone; a mapping that does not exist is a skip.',
      params: selectParams,
      run: deleteMapping,
      plan: planDelete,
      outputs: MAPPING_OUTPUTS,
    }),
  },
};
