/**
 * Lambda function URLs: one URL config per function and qualifier ($LATEST or an alias; AWS
 * refuses a version number, which the model's pattern already rejects), with its auth type
 * (NONE or AWS_IAM), CORS settings and invoke mode. The URL is
 * `http://<url-id>.lambda-url.<region>.localhost:<port>/`: `*.localhost` resolves to loopback in
 * browsers and curl, and the server routes on the Host header to the function. A config goes with
 * its function (foreign key), and survives restarts with it.
 */
import { randomBytes } from 'node:crypto';
import type {
  Cors,
  CreateFunctionUrlConfigRequest,
  CreateFunctionUrlConfigResponse,
  DeleteFunctionUrlConfigRequest,
  FunctionUrlConfig,
  GetFunctionUrlConfigRequest,
  GetFunctionUrlConfigResponse,
  ListFunctionUrlConfigsRequest,
  ListFunctionUrlConfigsResponse,
  UpdateFunctionUrlConfigRequest,
  UpdateFunctionUrlConfigResponse,
} from '@aws-sdk/client-lambda';
import type { Handler, RequestContext } from '../../service.js';
import { type Migration, SqlState } from '../../store/database.js';
import { functionArn } from './arns.js';
import { LambdaErrors } from './errors.js';
import { LATEST, type LambdaService, offsetPage } from './lambda-service.js';
import type { FunctionKey } from './state.js';

export const functionUrlMigrations: Migration[] = [
  {
    id: 'lambda-101-function-urls',
    sql: `
      CREATE TABLE lambda_function_urls (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        qualifier TEXT NOT NULL,
        url_id TEXT NOT NULL UNIQUE,
        auth_type TEXT NOT NULL,
        invoke_mode TEXT NOT NULL,
        cors TEXT,
        created_at INTEGER NOT NULL,
        last_modified INTEGER NOT NULL,
        PRIMARY KEY (account_id, region, name, qualifier),
        FOREIGN KEY (account_id, region, name) REFERENCES lambda_functions ON DELETE CASCADE
      );
    `,
  },
];

export type FunctionUrlAuthType = 'NONE' | 'AWS_IAM';
export type InvokeMode = 'BUFFERED' | 'RESPONSE_STREAM';

export interface FunctionUrlRecord {
  key: FunctionKey;
  qualifier: string;
  urlId: string;
  authType: FunctionUrlAuthType;
  invokeMode: InvokeMode;
  cors: Cors | undefined;
  createdAt: number;
  lastModified: number;
}

interface FunctionUrlRow {
  account_id: string;
  region: string;
  name: string;
  qualifier: string;
  url_id: string;
  auth_type: string;
  invoke_mode: string;
  cors: string | null;
  created_at: number;
  last_modified: number;
}

const KEY = 'account_id = ? AND region = ? AND name = ?';

function fromRow(row: FunctionUrlRow): FunctionUrlRecord {
  return {
    key: { accountId: row.account_id, region: row.region, name: row.name },
    qualifier: row.qualifier,
    urlId: row.url_id,
    authType: row.auth_type as FunctionUrlAuthType,
    invokeMode: row.invoke_mode as InvokeMode,
    cors: row.cors === null ? undefined : (JSON.parse(row.cors) as Cors),
    createdAt: row.created_at,
    lastModified: row.last_modified,
  };
}

export class FunctionUrlState extends SqlState {
  get(key: FunctionKey, qualifier: string): FunctionUrlRecord | undefined {
    const row = this.sql(`SELECT * FROM lambda_function_urls WHERE ${KEY} AND qualifier = ?`).get(
      key.accountId,
      key.region,
      key.name,
      qualifier,
    ) as FunctionUrlRow | undefined;
    return row && fromRow(row);
  }

  byUrlId(urlId: string): FunctionUrlRecord | undefined {
    const row = this.sql('SELECT * FROM lambda_function_urls WHERE url_id = ?').get(urlId) as
      | FunctionUrlRow
      | undefined;
    return row && fromRow(row);
  }

  list(key: FunctionKey): FunctionUrlRecord[] {
    const rows = this.sql(`SELECT * FROM lambda_function_urls WHERE ${KEY} ORDER BY created_at, qualifier`).all(
      key.accountId,
      key.region,
      key.name,
    ) as FunctionUrlRow[];
    return rows.map(fromRow);
  }

  put(record: FunctionUrlRecord): void {
    this.sql(
      `INSERT OR REPLACE INTO lambda_function_urls
         (account_id, region, name, qualifier, url_id, auth_type, invoke_mode, cors, created_at, last_modified)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      record.key.accountId,
      record.key.region,
      record.key.name,
      record.qualifier,
      record.urlId,
      record.authType,
      record.invokeMode,
      record.cors === undefined ? null : JSON.stringify(record.cors),
      record.createdAt,
      record.lastModified,
    );
  }

  delete(key: FunctionKey, qualifier: string): boolean {
    return (
      this.sql(`DELETE FROM lambda_function_urls WHERE ${KEY} AND qualifier = ?`).run(
        key.accountId,
        key.region,
        key.name,
        qualifier,
      ).changes > 0
    );
  }
}

/** The host a URL id is served on: `<url-id>.lambda-url.<region>.localhost`. */
export const FUNCTION_URL_HOST = /^([a-z0-9]{32})\.lambda-url\.([a-z0-9-]+)\.localhost(?::\d+)?$/;

/** `http://<url-id>.lambda-url.<region>.localhost:<port>/`, from the server's own endpoint. */
export function functionUrl(urlId: string, region: string, endpoint: string): string {
  const base = new URL(endpoint);
  return `${base.protocol}//${urlId}.lambda-url.${region}.localhost${base.port ? `:${base.port}` : ''}/`;
}

const functionUrlErrors = {
  missingFunction: () => LambdaErrors.notFound('Function does not exist'),
  missingConfig: () => LambdaErrors.notFound('The resource you requested does not exist.'),
  exists: (arn: string) =>
    LambdaErrors.conflict(
      `Failed to create function url config for [functionArn = ${arn}]. Error message:  FunctionUrlConfig exists for this Lambda function`,
    ),
};

/** AWS's URL ids: 32 lowercase letters and digits. */
function newUrlId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(32)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

export function functionUrlHandlers(service: LambdaService, urls: FunctionUrlState): Record<string, Handler> {
  /** The function and the qualifier a request names; the alias must exist. */
  function target(functionName: string | undefined, qualifier: string | undefined, ctx: RequestContext) {
    const ref = service.ref(functionName ?? '', qualifier, ctx);
    const key: FunctionKey = { accountId: ref.accountId, region: ref.region, name: ref.name };
    if (!service.state.getFunction(key)) throw functionUrlErrors.missingFunction();
    const target = ref.qualifier ?? LATEST;
    if (target !== LATEST && !service.state.getAlias(key, target)) throw functionUrlErrors.missingFunction();
    return { key, qualifier: target, arn: functionArn(key, ref.qualifier) };
  }

  function existing(input: { FunctionName?: string; Qualifier?: string }, ctx: RequestContext) {
    const { key, qualifier } = target(input.FunctionName, input.Qualifier, ctx);
    const record = urls.get(key, qualifier);
    if (!record) throw functionUrlErrors.missingConfig();
    return record;
  }

  function describe(record: FunctionUrlRecord, ctx: RequestContext): FunctionUrlConfig {
    return {
      FunctionUrl: functionUrl(record.urlId, record.key.region, ctx.endpoint),
      FunctionArn: functionArn(record.key, record.qualifier === LATEST ? undefined : record.qualifier),
      AuthType: record.authType,
      ...(record.cors ? { Cors: record.cors } : {}),
      CreationTime: new Date(record.createdAt).toISOString(),
      LastModifiedTime: new Date(record.lastModified).toISOString(),
      InvokeMode: record.invokeMode,
    };
  }

  return {
    CreateFunctionUrlConfig(input: CreateFunctionUrlConfigRequest, ctx): CreateFunctionUrlConfigResponse {
      const { key, qualifier, arn } = target(input.FunctionName, input.Qualifier, ctx);
      return urls.transaction(() => {
        if (urls.get(key, qualifier)) throw functionUrlErrors.exists(arn);
        const now = service.now();
        const record: FunctionUrlRecord = {
          key,
          qualifier,
          urlId: newUrlId(),
          authType: input.AuthType as FunctionUrlAuthType,
          invokeMode: (input.InvokeMode ?? 'BUFFERED') as InvokeMode,
          cors: input.Cors,
          createdAt: now,
          lastModified: now,
        };
        urls.put(record);
        const { LastModifiedTime: _, ...created } = describe(record, ctx);
        return created;
      });
    },
    GetFunctionUrlConfig(input: GetFunctionUrlConfigRequest, ctx): GetFunctionUrlConfigResponse {
      return describe(existing(input, ctx), ctx);
    },
    UpdateFunctionUrlConfig(input: UpdateFunctionUrlConfigRequest, ctx): UpdateFunctionUrlConfigResponse {
      return urls.transaction(() => {
        const record = existing(input, ctx);
        const updated: FunctionUrlRecord = {
          ...record,
          ...(input.AuthType ? { authType: input.AuthType as FunctionUrlAuthType } : {}),
          ...(input.InvokeMode ? { invokeMode: input.InvokeMode as InvokeMode } : {}),
          ...(input.Cors ? { cors: input.Cors } : {}),
          lastModified: service.now(),
        };
        urls.put(updated);
        return describe(updated, ctx);
      });
    },
    DeleteFunctionUrlConfig(input: DeleteFunctionUrlConfigRequest, ctx): void {
      const record = existing(input, ctx);
      urls.delete(record.key, record.qualifier);
    },
    ListFunctionUrlConfigs(input: ListFunctionUrlConfigsRequest, ctx): ListFunctionUrlConfigsResponse {
      const { key } = target(input.FunctionName, undefined, ctx);
      const page = offsetPage(urls.list(key), input.Marker, input.MaxItems);
      return {
        FunctionUrlConfigs: page.items.map((record) => describe(record, ctx)),
        ...(page.nextMarker ? { NextMarker: page.nextMarker } : {}),
      };
    },
  };
}
