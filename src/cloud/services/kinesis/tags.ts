/** Tags: the stream-named operations (AddTagsToStream ...) and the ARN-named ones (TagResource ...). */
import type {
  AddTagsToStreamInput,
  ListTagsForResourceInput,
  ListTagsForResourceOutput,
  ListTagsForStreamInput,
  ListTagsForStreamOutput,
  RemoveTagsFromStreamInput,
  Tag,
  TagResourceInput,
  UntagResourceInput,
} from '@aws-sdk/client-kinesis';
import type { Handler } from '../../service.js';
import { invalidArgument } from './errors.js';
import type { KinesisService, Scope } from './kinesis-service.js';
import { KINESIS_LIMITS } from './limits.js';
import type { StreamRow } from './state.js';

/** Refuses tags that would take a stream past AWS's 50. */
export function checkTags(
  streamName: string,
  accountId: string,
  added: Record<string, string>,
  existing: Record<string, string>,
): void {
  if (Object.keys({ ...existing, ...added }).length > KINESIS_LIMITS.maxTags) {
    throw invalidArgument(
      `Failed to add tags to stream ${streamName} under account ${accountId} because a given stream cannot have more than ${KINESIS_LIMITS.maxTags} tags associated with it.`,
    );
  }
}

function tagsOf(stream: StreamRow): Record<string, string> {
  return JSON.parse(stream.tags) as Record<string, string>;
}

function tagList(tags: Record<string, string>): Tag[] {
  return Object.keys(tags)
    .sort()
    .map((Key) => ({ Key, Value: tags[Key] as string }));
}

export function tagHandlers(service: KinesisService): Record<string, Handler> {
  const { state } = service;

  function addTags(stream: StreamRow, tags: Record<string, string>): void {
    const existing = tagsOf(stream);
    checkTags(stream.name, stream.account_id, tags, existing);
    state.setTags(stream.id, { ...existing, ...tags });
  }

  function removeTags(stream: StreamRow, keys: string[]): void {
    const tags = tagsOf(stream);
    for (const key of keys) delete tags[key];
    state.setTags(stream.id, tags);
  }

  return {
    AddTagsToStream(input: AddTagsToStreamInput, ctx: Scope): Record<string, never> {
      addTags(service.stream(ctx, input), input.Tags ?? {});
      return {};
    },

    RemoveTagsFromStream(input: RemoveTagsFromStreamInput, ctx: Scope): Record<string, never> {
      removeTags(service.stream(ctx, input), input.TagKeys ?? []);
      return {};
    },

    ListTagsForStream(input: ListTagsForStreamInput, ctx: Scope): ListTagsForStreamOutput {
      const all = tagList(tagsOf(service.stream(ctx, input)));
      const start = input.ExclusiveStartTagKey;
      const after = start === undefined ? all : all.filter((tag) => (tag.Key as string) > start);
      const limit = input.Limit ?? KINESIS_LIMITS.listTagsPage;
      return { Tags: after.slice(0, limit), HasMoreTags: after.length > limit };
    },

    TagResource(input: TagResourceInput, ctx: Scope): Record<string, never> {
      addTags(service.stream(ctx, { StreamARN: input.ResourceARN }), input.Tags ?? {});
      return {};
    },

    UntagResource(input: UntagResourceInput, ctx: Scope): Record<string, never> {
      removeTags(service.stream(ctx, { StreamARN: input.ResourceARN }), input.TagKeys ?? []);
      return {};
    },

    ListTagsForResource(input: ListTagsForResourceInput, ctx: Scope): ListTagsForResourceOutput {
      return { Tags: tagList(tagsOf(service.stream(ctx, { StreamARN: input.ResourceARN }))) };
    },
  };
}
