/** Topic tags: TagResource, UntagResource, ListTagsForResource. */
import type {
  ListTagsForResourceRequest,
  ListTagsForResourceResponse,
  Tag,
  TagResourceRequest,
  UntagResourceRequest,
} from '@aws-sdk/client-sns';
import { AwsError } from '../../errors.js';
import type { Handler } from '../../service.js';
import { MAX_TAGS } from './constants.js';
import { invalidParameter, resourceNotFound } from './errors.js';
import type { SnsService } from './sns-service.js';
import type { TopicRow } from './state.js';

export function tagsOf(topic: TopicRow): Record<string, string> {
  return JSON.parse(topic.tags) as Record<string, string>;
}

/** Tags as a map, checked as AWS checks them. */
export function tagMapOf(tags: readonly Tag[] | undefined): Record<string, string> {
  const map: Record<string, string> = {};
  for (const tag of tags ?? []) {
    if (!tag.Key) throw invalidParameter('Tags.Key');
    map[tag.Key] = tag.Value ?? '';
  }
  return map;
}

export function checkTagCount(tags: Record<string, string>): void {
  if (Object.keys(tags).length > MAX_TAGS) {
    throw new AwsError('TagLimitExceeded', 'Could not complete request: tag quota of per resource exceeded', 400);
  }
}

export function tagHandlers(service: SnsService): Record<string, Handler> {
  const topicOf = (arn: string | undefined): TopicRow => {
    const topic = arn ? service.state.getTopic(arn) : undefined;
    if (!topic) throw resourceNotFound();
    return topic;
  };
  return {
    TagResource: (input: TagResourceRequest) => {
      const topic = topicOf(input.ResourceArn);
      const tags = { ...tagsOf(topic), ...tagMapOf(input.Tags) };
      checkTagCount(tags);
      service.state.setTopicTags(topic.arn, JSON.stringify(tags));
      return {};
    },
    UntagResource: (input: UntagResourceRequest) => {
      const topic = topicOf(input.ResourceArn);
      const tags = tagsOf(topic);
      for (const key of input.TagKeys ?? []) delete tags[key];
      service.state.setTopicTags(topic.arn, JSON.stringify(tags));
      return {};
    },
    ListTagsForResource: (input: ListTagsForResourceRequest): ListTagsForResourceResponse => {
      const topic = topicOf(input.ResourceArn);
      return { Tags: Object.entries(tagsOf(topic)).map(([Key, Value]) => ({ Key, Value })) };
    },
  };
}
