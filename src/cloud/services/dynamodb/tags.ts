/** Tags on tables: TagResource, UntagResource, ListTagsOfResource (by table ARN). */
import type {
  ListTagsOfResourceInput,
  ListTagsOfResourceOutput,
  TagResourceInput,
  UntagResourceInput,
} from '@aws-sdk/client-dynamodb';
import { AwsError } from '../../errors.js';
import type { Handler, RequestContext } from '../../service.js';
import type { DynamoDbService, LoadedTable } from './dynamodb-service.js';
import { validation } from './errors.js';

const MAX_TAGS = 50;
const TABLE_ARN = /^arn:aws[\w-]*:dynamodb:([^:]+):(\d{12}):table\/([a-zA-Z0-9_.-]{3,255})$/;

export function tagHandlers(service: DynamoDbService): Record<string, Handler> {
  const { state } = service;

  function tableByArn(ctx: RequestContext, arn: string, notFound: string): LoadedTable {
    const match = TABLE_ARN.exec(arn);
    if (!match) throw validation(`Invalid TableArn: Invalid ResourceArn provided as input ${arn}`);
    const [, region, accountId, name] = match as unknown as [string, string, string, string];
    const row =
      region === ctx.region && accountId === ctx.accountId ? state.getTable(accountId, region, name) : undefined;
    if (!row) throw new AwsError('ResourceNotFoundException', notFound);
    return service.load(row);
  }

  const tagsOf = (table: LoadedTable) => JSON.parse(table.row.tags) as Record<string, string>;

  return {
    TagResource(input: TagResourceInput, ctx: RequestContext): Record<string, never> {
      const arn = input.ResourceArn as string;
      state.transaction(() => {
        const table = tableByArn(ctx, arn, `Requested resource not found: ResourcArn: ${arn} not found`);
        const tags = { ...tagsOf(table), ...Object.fromEntries((input.Tags ?? []).map((t) => [t.Key, t.Value])) };
        if (Object.keys(tags).length > MAX_TAGS) {
          throw new AwsError('LimitExceededException', `The number of tags exceeds the limit of ${MAX_TAGS}`);
        }
        state.updateTable(table.row.id, { tags: JSON.stringify(tags) });
      });
      return {};
    },

    UntagResource(input: UntagResourceInput, ctx: RequestContext): Record<string, never> {
      const arn = input.ResourceArn as string;
      if ((input.TagKeys ?? []).length === 0) throw validation('Atleast one Tag Key needs to be provided as Input.');
      state.transaction(() => {
        const table = tableByArn(ctx, arn, 'Requested resource not found');
        const tags = tagsOf(table);
        for (const key of input.TagKeys ?? []) delete tags[key];
        state.updateTable(table.row.id, { tags: JSON.stringify(tags) });
      });
      return {};
    },

    ListTagsOfResource(input: ListTagsOfResourceInput, ctx: RequestContext): ListTagsOfResourceOutput {
      const arn = input.ResourceArn as string;
      const table = tableByArn(ctx, arn, `Requested resource not found: ResourcArn: ${arn} not found`);
      return { Tags: Object.entries(tagsOf(table)).map(([Key, Value]) => ({ Key, Value })) };
    },
  };
}
