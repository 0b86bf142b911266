/** Queue tags: TagQueue, UntagQueue, ListQueueTags, and the limits AWS applies (50 per queue). */
import type {
  ListQueueTagsRequest,
  ListQueueTagsResult,
  TagQueueRequest,
  UntagQueueRequest,
} from '@aws-sdk/client-sqs';
import type { Handler, RequestContext } from '../../service.js';
import { invalidParameterValue } from './errors.js';
import { required } from './required.js';
import type { SqsService } from './sqs-service.js';

const MAX_TAGS = 50;

export function checkTags(tags: Record<string, string>): void {
  if (Object.keys(tags).length > MAX_TAGS)
    throw invalidParameterValue(`Too many tags added for queue. Max allowed is ${MAX_TAGS}.`);
  for (const [key, value] of Object.entries(tags)) {
    if (key.length < 1 || key.length > 128)
      throw invalidParameterValue(`Tag key ${key} must be between 1 and 128 characters.`);
    if (value.length > 256) throw invalidParameterValue(`Tag value for key ${key} must be at most 256 characters.`);
  }
}

export function tagHandlers(service: SqsService): Record<string, Handler> {
  const tagsOf = (tags: string) => JSON.parse(tags) as Record<string, string>;
  return {
    TagQueue(input: TagQueueRequest, ctx: RequestContext) {
      const queue = service.queue(ctx, required(input.QueueUrl, 'QueueUrl'));
      const tags = { ...tagsOf(queue.tags), ...required(input.Tags, 'Tags') };
      checkTags(tags);
      service.state.setTags(queue.id, JSON.stringify(tags));
      return {};
    },
    UntagQueue(input: UntagQueueRequest, ctx: RequestContext) {
      const queue = service.queue(ctx, required(input.QueueUrl, 'QueueUrl'));
      const tags = tagsOf(queue.tags);
      for (const key of required(input.TagKeys, 'TagKeys')) delete tags[key];
      service.state.setTags(queue.id, JSON.stringify(tags));
      return {};
    },
    ListQueueTags(input: ListQueueTagsRequest, ctx: RequestContext): ListQueueTagsResult {
      const tags = tagsOf(service.queue(ctx, required(input.QueueUrl, 'QueueUrl')).tags);
      return Object.keys(tags).length > 0 ? { Tags: tags } : {};
    },
  };
}
