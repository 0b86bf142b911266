/**
 * What the stream poller tests share. The function under test is a real Node.js function run by
 * the local cloud; it posts each event it receives to a collector in the test process and answers
 * (or throws) what the test tells the collector, so a test observes exactly what the function was
 * invoked with and scripts its failures, with no mock between the poller and the function.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateEventSourceMappingCommand,
  type CreateEventSourceMappingCommandInput,
  CreateFunctionCommand,
  GetEventSourceMappingCommand,
  type LambdaClient,
  waitUntilFunctionActiveV2,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll } from 'vitest';
import { randomName, waitFor } from '../../helpers/cloud.js';
import { zip } from '../../helpers/zip.js';
import { deployFunction, WAIT } from '../lambda/support.js';

/** What the function does with an event: return a value (JSON) or throw an error. */
export type Answer = { return?: unknown; throw?: string };

/** One function's view: the events it received, in order, and how it answers the next ones. */
export interface Sink {
  readonly url: string;
  readonly events: Record<string, unknown>[];
  /** Decides each answer; `n` counts the function's invocations from 1. */
  answer: (event: Record<string, unknown>, n: number) => Answer;
  /** Records of all events received so far, in arrival order. */
  records(): Record<string, unknown>[];
}

/** Starts the collector before the file's tests; sinks are made inside tests. */
export function useCollector(): { sink(): Sink } {
  let server: Server | undefined;
  const sinks = new Map<string, Sink>();
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const sink = sinks.get((req.url ?? '').slice(1));
        const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        sink?.events.push(event);
        const answer = sink ? sink.answer(event, sink.events.length) : {};
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      });
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });
  return {
    sink() {
      const id = randomName('sink');
      if (!server) throw new Error('the collector is not started yet (use it inside a test)');
      const port = (server.address() as AddressInfo).port;
      const events: Record<string, unknown>[] = [];
      const sink: Sink = {
        url: `http://127.0.0.1:${port}/${id}`,
        events,
        answer: () => ({}),
        records: () => events.flatMap((e) => (e['Records'] as Record<string, unknown>[] | undefined) ?? []),
      };
      sinks.set(id, sink);
      return sink;
    },
  };
}

/** The function: posts its event to the sink, then returns or throws what the sink answered. */
const HANDLER = `
exports.handler = async (event) => {
  const response = await fetch(process.env.SINK_URL, { method: 'POST', body: JSON.stringify(event) });
  const answer = await response.json();
  if (answer.throw !== undefined) throw new Error(answer.throw);
  return answer.return;
};
`;

export const ROLE = 'arn:aws:iam::000000000000:role/lambda-role';

/** Deploys the sink-reporting function (named `name`, or a random name), waits until it is Active, and returns its name. */
export async function sinkFunction(
  lambda: LambdaClient,
  sink: Sink,
  options: Record<string, unknown> = {},
  name?: string,
): Promise<string> {
  const config = { Environment: { Variables: { SINK_URL: sink.url } }, Timeout: 10, ...options };
  if (name === undefined) return deployFunction(lambda, { 'index.js': HANDLER }, config);
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: ROLE,
      Code: { ZipFile: await zip({ 'index.js': HANDLER }) },
      ...config,
    }),
  );
  await waitUntilFunctionActiveV2({ client: lambda, ...WAIT }, { FunctionName: name });
  return name;
}

/** Creates a mapping and waits until it is Enabled; returns its UUID. */
export async function enabledMapping(
  lambda: LambdaClient,
  input: CreateEventSourceMappingCommandInput,
): Promise<string> {
  const { UUID } = await lambda.send(new CreateEventSourceMappingCommand(input));
  await mappingState(lambda, UUID as string, 'Enabled');
  return UUID as string;
}

export function mappingState(lambda: LambdaClient, uuid: string, state: string) {
  return waitFor(
    `mapping ${uuid} ${state}`,
    async () => {
      const mapping = await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }));
      return mapping.State === state ? mapping : undefined;
    },
    15_000,
  );
}

/** Waits until `sink` received at least `count` records; returns them. */
export function recordsReceived(sink: Sink, count: number, timeoutMs = 15_000): Promise<Record<string, unknown>[]> {
  return waitFor(
    `${count} records delivered (have ${sink.records().length})`,
    () => {
      const records = sink.records();
      return records.length >= count ? records : undefined;
    },
    timeoutMs,
  );
}

/** A Kinesis record's data as text. */
export function dataOf(record: Record<string, unknown>): string {
  const kinesis = record['kinesis'] as { data: string };
  return Buffer.from(kinesis.data, 'base64').toString('utf8');
}
