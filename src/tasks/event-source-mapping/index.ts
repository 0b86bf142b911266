/**
 * The `event-source-mapping` task (the seed's pull model): create a mapping from a stream or
 * queue to a function, update it, enable or disable it at any time, delete it. Parameters are
 * CreateEventSourceMapping's members in lowerCamelCase (see params.ts); a mapping is addressed by
 * `uuid`, or found as the one of `functionName` on `eventSourceArn`.
 */
import { type ActionImplementation, lazyAction, type TaskDefinition } from '../task.js';
import { createParams, MAPPING_OUTPUTS, type SelectParams, selectParams, updateParams } from './params.js';

/** The actions' implementations, with the Lambda client: loaded when a step runs or plans. */
const mappings = () => import('./mappings.js');

async function enabling(enabled: boolean): Promise<ActionImplementation<SelectParams>> {
  const { setEnabled, planSetEnabled } = await mappings();
  return {
    run: (params, ctx) => setEnabled(params, enabled, ctx),
    plan: (params, ctx) => planSetEnabled(params, enabled, ctx),
  };
}

export const eventSourceMappingTask: TaskDefinition = {
  name: 'event-source-mapping',
  description: 'Create, update, enable, disable and delete Lambda event source mappings (the pull model).',
  actions: {
    create: lazyAction({
      description:
        'Create a mapping and wait until it is Enabled (or Disabled); the mapping of the same function on the same source is updated instead (a skip when nothing differs).',
      params: createParams,
      plannable: true,
      load: async () => {
        const { createMapping, planCreate } = await mappings();
        return { run: createMapping, plan: planCreate };
      },
      outputs: MAPPING_OUTPUTS,
    }),
    update: lazyAction({
      description: 'Update a mapping (by uuid, or functionName + eventSourceArn) and wait for its state to settle.',
      params: updateParams,
      plannable: true,
      load: async () => {
        const { updateMapping, planUpdate } = await mappings();
        return { run: updateMapping, plan: planUpdate };
      },
      outputs: MAPPING_OUTPUTS,
    }),
    enable: lazyAction({
      description: 'Enable a mapping and wait for Enabled (a skip when it is).',
      params: selectParams,
      plannable: true,
      load: () => enabling(true),
      outputs: MAPPING_OUTPUTS,
    }),
    disable: lazyAction({
      description: 'Disable a mapping (for maintenance) and wait for Disabled (a skip when it is).',
      params: selectParams,
      plannable: true,
      load: () => enabling(false),
      outputs: MAPPING_OUTPUTS,
    }),
    delete: lazyAction({
      description: 'Delete a mapping and wait until it is gone; a mapping that does not exist is a skip.',
      params: selectParams,
      plannable: true,
      load: async () => {
        const { deleteMapping, planDelete } = await mappings();
        return { run: deleteMapping, plan: planDelete };
      },
      outputs: MAPPING_OUTPUTS,
    }),
  },
};
