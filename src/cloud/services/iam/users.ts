/**
 * Users are not modelled locally (the local cloud's callers are its configured key pairs, each
 * the root of its account). GetUser answers what AWS answers for an account's root: the caller
 * without a name; any named user does not exist.
 */
import type { GetUserRequest, GetUserResponse } from '@aws-sdk/client-iam';
import { AwsError } from '../../errors.js';
import type { RequestContext } from '../../service.js';
import { apiDate, callerArn } from './common.js';
import { IamErrors } from './errors.js';

export function userHandlers(now: () => number) {
  return {
    GetUser(input: GetUserRequest, ctx: RequestContext): GetUserResponse {
      if (input.UserName !== undefined) throw IamErrors.noSuchUser(input.UserName);
      const arn = callerArn(ctx);
      if (!arn.endsWith(':root')) {
        throw new AwsError('ValidationError', 'Must specify userName when calling with non-User credentials');
      }
      // Root has no name or path; the model marks them required but AWS leaves them out.
      const created = apiDate(now());
      return { User: { UserId: ctx.accountId, Arn: arn, CreateDate: created, Path: undefined, UserName: undefined } };
    },
  };
}
