/**
 * The web console's measurements (the `console` section), against a running local cloud with
 * `functions` functions and `stacks` stacks made through the SDK:
 *
 * - first paint (the browser's first-contentful-paint) and time to interactive (navigation start
 *   to the overview showing every count, i.e. the page has run and its API answered) on the
 *   overview, in headless Chromium from @sparticuz/chromium; the median of `loads` loads, each in a
 *   fresh browser context (nothing cached);
 * - the bundle's size (JS and CSS, raw and gzipped, as served);
 * - the server's CPU while a console is open on the overview and idle (its live-update stream
 *   connected), over `idleSeconds`: CPU time of the server process from /proc, as a share of one core.
 *
 * lambda-tasks only: moto has no console (LocalStack's is a hosted web app).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CreateFunctionCommand } from '@aws-sdk/client-lambda';
import chromium from '@sparticuz/chromium';
import { chromium as playwright } from 'playwright-core';
import { until, zipOf } from './functions.mjs';
import { lambdaClient } from './lambda.mjs';
import { row } from './report.mjs';
import { cpuTimeMs } from './servers.mjs';
import { credentials, median, sleep } from './stats.mjs';

const WEB = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'console', 'web');
const ROLE = 'arn:aws:iam::000000000000:role/bench-console';
const STACK_TEMPLATE = JSON.stringify({ Resources: { Queue: { Type: 'AWS::SQS::Queue' } } });

/**
 * @param {{ url: string, pid: number }} server
 * @param {{ functions: number, stacks: number, loads: number, idleSeconds: number }} options
 */
export async function consoleWorkload(server, options) {
  const lambda = lambdaClient(server.url);
  const cfn = new CloudFormationClient({ endpoint: server.url, region: 'us-east-1', credentials });
  const zip = await zipOf('exports.handler = async () => ({ ok: true });');
  for (let i = 0; i < options.functions; i += 10) {
    await Promise.all(
      Array.from({ length: Math.min(10, options.functions - i) }, (_, j) =>
        lambda.send(
          new CreateFunctionCommand({
            FunctionName: `console-bench-${i + j}`,
            Runtime: 'nodejs20.x',
            Handler: 'index.handler',
            Role: ROLE,
            Code: { ZipFile: zip },
          }),
        ),
      ),
    );
  }
  await Promise.all(
    Array.from({ length: options.stacks }, (_, i) =>
      cfn.send(new CreateStackCommand({ StackName: `console-bench-${i}`, TemplateBody: STACK_TEMPLATE })),
    ),
  );
  await until('the stacks', async () => {
    const { Stacks = [] } = await cfn.send(new DescribeStacksCommand({}));
    return Stacks.filter((s) => s.StackStatus === 'CREATE_COMPLETE').length === options.stacks ? true : undefined;
  });
  lambda.destroy();
  cfn.destroy();
  // The same idle period with no console open: what the server costs anyway (timers of its own).
  const idleWithoutConsole = await idleCpuShare(server.pid, options.idleSeconds);

  const browser = await playwright.launch({
    executablePath: await chromium.executablePath(),
    // Without --single-process: in it, closing a browser context ends the whole browser.
    args: chromium.args.filter((arg) => arg !== '--disable-web-security' && arg !== '--single-process'),
    headless: true,
  });
  try {
    const consoleUrl = `${server.url}/_console/#/overview`;
    /** @type {number[]} */
    const firstPaint = [];
    /** @type {number[]} */
    const interactive = [];
    for (let i = 0; i < options.loads; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(consoleUrl);
      const functions = page.getByTestId('count-lambda-functions').locator('.count');
      await functions.filter({ hasText: String(options.functions) }).waitFor({ timeout: 30_000 });
      await page
        .getByTestId('count-cloudformation-stacks')
        .locator('.count')
        .filter({ hasText: String(options.stacks) })
        .waitFor();
      interactive.push(await page.evaluate(() => performance.now()));
      firstPaint.push(
        await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN),
      );
      await context.close();
    }
    // One console left open and idle: its live-update stream stays connected.
    const page = await browser.newPage();
    await page.goto(consoleUrl);
    await page.getByTestId('count-lambda-functions').waitFor();
    await sleep(1000);
    const idleWithConsole = await idleCpuShare(server.pid, options.idleSeconds);
    return {
      firstPaintMs: median(firstPaint),
      interactiveMs: median(interactive),
      idleWithConsole,
      idleWithoutConsole,
      bundle: bundleSizes(),
    };
  } finally {
    await browser.close();
  }
}

/**
 * The server's CPU time over `seconds`, as a share of one core.
 * @param {number} pid
 * @param {number} seconds
 */
async function idleCpuShare(pid, seconds) {
  const before = cpuTimeMs(pid) ?? Number.NaN;
  const t0 = performance.now();
  await sleep(seconds * 1000);
  return ((cpuTimeMs(pid) ?? Number.NaN) - before) / (performance.now() - t0);
}

/** The built bundle's sizes, raw and gzipped (the server sends it gzipped). */
function bundleSizes() {
  let raw = 0;
  let gzip = 0;
  for (const name of readdirSync(WEB)) {
    const bytes = readFileSync(join(WEB, name));
    raw += bytes.length;
    gzip += gzipSync(bytes).length;
  }
  return { raw, gzip };
}

/**
 * @param {Awaited<ReturnType<typeof consoleWorkload>>} r
 * @param {{ functions: number, stacks: number, idleSeconds: number }} options
 */
export function consoleRows(r, options) {
  const on = `${options.functions} functions, ${options.stacks} stacks`;
  return [
    row('overview first paint', 'ms', 'lower', r.firstPaintMs, undefined, on),
    row('overview time to interactive', 'ms', 'lower', r.interactiveMs, undefined, `${on}: every count shown`),
    row(
      'bundle (JS + CSS + HTML), gzipped',
      'KiB',
      'lower',
      r.bundle.gzip / 1024,
      undefined,
      `${(r.bundle.raw / 1024).toFixed(0)} KiB raw`,
    ),
    row(
      'server CPU, console open and idle',
      '% of a core',
      'lower',
      r.idleWithConsole * 100,
      undefined,
      `over ${options.idleSeconds} s; ${(r.idleWithoutConsole * 100).toFixed(2)}% with no console open`,
      {
        target: { text: '~0 (< 1%)', value: 1 },
      },
    ),
  ];
}
