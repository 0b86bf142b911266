/**
 * The Lambda API's event source mapping operations, and the tag operations for a mapping's ARN
 * (ListTags, TagResource and UntagResource take functions and mappings alike; a function's ARN
 * goes on to the function's own handlers).
 */
import type {
  CreateEventSourceMappingRequest,
  DeleteEventSourceMappingRequest,
  EventSourceMappingConfiguration,
  GetEventSourceMappingRequest,
  ListEventSourceMappingsRequest,
  ListEventSourceMappingsResponse,
  ListTagsRequest,
  ListTagsResponse,
  TagResourceRequest,
  UntagResourceRequest,
  UpdateEventSourceMappingRequest,
} from '@aws-sdk/client-lambda';
import type { Handler, RequestContext } from '../../../service.js';
import type { EventSourceMappings } from './mappings.js';

export function mappingHandlers(mappings: EventSourceMappings) {
  return {
    CreateEventSourceMapping: (
      input: CreateEventSourceMappingRequest,
      ctx: RequestContext,
    ): EventSourceMappingConfiguration => mappings.create(input, ctx),
    GetEventSourceMapping: (
      input: GetEventSourceMappingRequest,
      ctx: RequestContext,
    ): EventSourceMappingConfiguration => mappings.get(input.UUID ?? '', ctx),
    UpdateEventSourceMapping: (
      input: UpdateEventSourceMappingRequest,
      ctx: RequestContext,
    ): EventSourceMappingConfiguration => mappings.update(input, ctx),
    DeleteEventSourceMapping: (
      input: DeleteEventSourceMappingRequest,
      ctx: RequestContext,
    ): EventSourceMappingConfiguration => mappings.delete(input.UUID ?? '', ctx),
    ListEventSourceMappings: (
      input: ListEventSourceMappingsRequest,
      ctx: RequestContext,
    ): ListEventSourceMappingsResponse => mappings.list(input, ctx),
  };
}

const isMappingArn = (arn: string | undefined) => (arn ?? '').includes(':event-source-mapping:');

/** The tag handlers among `functionHandlers`, answering for mapping ARNs themselves. */
export function mappingTagHandlers(mappings: EventSourceMappings, functionHandlers: Record<string, Handler>) {
  const handler = (name: string): Handler => {
    const found = functionHandlers[name];
    if (!found) throw new Error(`no ${name} handler for functions to delegate to`);
    return found;
  };
  const functionTags = {
    ListTags: handler('ListTags'),
    TagResource: handler('TagResource'),
    UntagResource: handler('UntagResource'),
  };
  return {
    ListTags: (input: ListTagsRequest, ctx: RequestContext): ListTagsResponse | unknown =>
      isMappingArn(input.Resource)
        ? { Tags: mappings.tags(input.Resource ?? '', ctx) }
        : functionTags.ListTags(input, ctx),
    TagResource: (input: TagResourceRequest, ctx: RequestContext): unknown => {
      if (!isMappingArn(input.Resource)) return functionTags.TagResource(input, ctx);
      mappings.tag(input.Resource ?? '', input.Tags ?? {}, ctx);
      return {};
    },
    UntagResource: (input: UntagResourceRequest, ctx: RequestContext): unknown => {
      if (!isMappingArn(input.Resource)) return functionTags.UntagResource(input, ctx);
      mappings.untag(input.Resource ?? '', input.TagKeys ?? [], ctx);
      return {};
    },
  };
}
