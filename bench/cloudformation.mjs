/**
 * The CloudFormation measurements, run against any endpoint with the AWS SDK v3 (test/test,
 * us-east-1), on the same templates for every server:
 *
 * - `function`: 1 AWS::Lambda::Function (nodejs20.x, inline Code.ZipFile) whose Role is an ARN
 *   string: the role is created first with IAM's CreateRole (moto checks that it exists).
 * - `roleAndFunction`: an AWS::IAM::Role and a function that reads its Arn with Fn::GetAtt
 *   (CAPABILITY_IAM): two resources, one after the other.
 * - `logGroups` / `buckets`: N independent AWS::Logs::LogGroup / AWS::S3::Bucket without names.
 *
 * For each template, one unmeasured warm-up cycle (lazy loading on the server, the client's
 * connections), then `runs` cycles of: CreateStack and DescribeStacks every `pollMs` until
 * CREATE_COMPLETE; UpdateStack with the same template (AWS answers "No updates are to be
 * performed."); DeleteStack and DescribeStacks (by stack id: a deleted stack has no name any more)
 * until DELETE_COMPLETE. Every poll starts right after the previous answer, the first one right
 * after CreateStack's or DeleteStack's answer.
 */
import { Agent } from 'node:http';
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { row } from './report.mjs';
import { describeError } from './s3.mjs';
import { cpuTimeMs } from './servers.mjs';
import { ASSUME_LAMBDA, credentials, sleep, stats } from './stats.mjs';

const NO_UPDATES = 'No updates are to be performed.';
const SOURCE = 'exports.handler = async () => ({ ok: true });\n';

/**
 * @typedef {object} CloudFormationOptions
 * @property {number} runs measured create / update / delete cycles per template
 * @property {number} resources resources in the many-resources stacks
 * @property {number} pollMs pause between two DescribeStacks while waiting
 */

/**
 * @typedef {object} StackTemplate
 * @property {string} key
 * @property {string} label what the stack holds, for the table
 * @property {string} body TemplateBody
 * @property {('CAPABILITY_IAM')[]} [capabilities]
 */

/**
 * The templates, given the ARN of an existing execution role (the only server-specific value).
 * @param {string} roleArn
 * @param {number} resources
 * @returns {StackTemplate[]}
 */
function templates(roleArn, resources) {
  const fn = (/** @type {unknown} */ role) => ({
    Type: 'AWS::Lambda::Function',
    Properties: { Runtime: 'nodejs20.x', Handler: 'index.handler', Role: role, Code: { ZipFile: SOURCE } },
  });
  const many = (/** @type {string} */ type) =>
    JSON.stringify({
      Resources: Object.fromEntries(Array.from({ length: resources }, (_, i) => [`R${i}`, { Type: type }])),
    });
  return [
    { key: 'function', label: '1 Lambda function', body: JSON.stringify({ Resources: { Fn: fn(roleArn) } }) },
    {
      key: 'roleAndFunction',
      label: 'IAM role + Lambda function (GetAtt)',
      body: JSON.stringify({
        Resources: {
          Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: ASSUME_LAMBDA } },
          Fn: fn({ 'Fn::GetAtt': ['Role', 'Arn'] }),
        },
      }),
      capabilities: ['CAPABILITY_IAM'],
    },
    { key: 'logGroups', label: `${resources} AWS::Logs::LogGroup`, body: many('AWS::Logs::LogGroup') },
    { key: 'buckets', label: `${resources} AWS::S3::Bucket`, body: many('AWS::S3::Bucket') },
  ];
}

/**
 * The first failure reasons of a stack's events (for an error message).
 * @param {CloudFormationClient} client
 * @param {string} stackId
 */
async function failureReasons(client, stackId) {
  try {
    const { StackEvents = [] } = await client.send(new DescribeStackEventsCommand({ StackName: stackId }));
    return StackEvents.filter((e) => e.ResourceStatus?.endsWith('FAILED') && e.ResourceStatusReason)
      .slice(0, 3)
      .map((e) => `${e.LogicalResourceId}: ${e.ResourceStatusReason}`)
      .join('; ');
  } catch (error) {
    return `DescribeStackEvents failed: ${describeError(error)}`;
  }
}

/**
 * Polls DescribeStacks until the stack is no longer *_IN_PROGRESS; throws unless it is `expected`.
 * @param {CloudFormationClient} client
 * @param {string} stackId
 * @param {string} expected
 * @param {number} pollMs
 * @returns {Promise<number>} DescribeStacks calls made
 */
async function waitFor(client, stackId, expected, pollMs, timeoutMs = 60_000) {
  const deadline = performance.now() + timeoutMs;
  for (let polls = 1; ; polls++) {
    const { Stacks = [] } = await client.send(new DescribeStacksCommand({ StackName: stackId }));
    const status = Stacks[0]?.StackStatus ?? 'missing';
    if (status === expected) return polls;
    if (!status.endsWith('_IN_PROGRESS')) {
      const reason = Stacks[0]?.StackStatusReason ?? '';
      throw new Error(`${status} instead of ${expected}: ${reason} ${await failureReasons(client, stackId)}`.trim());
    }
    if (performance.now() > deadline) throw new Error(`still ${status} after ${timeoutMs} ms`);
    await sleep(pollMs);
  }
}

/**
 * @typedef {object} Cycle
 * @property {number} createCallMs CreateStack's round trip
 * @property {number} createMs from sending CreateStack to the DescribeStacks answer saying CREATE_COMPLETE
 * @property {number} createPolls DescribeStacks calls until then
 * @property {number} serverCpuMs the server's CPU time over the create (and its polls)
 * @property {number} updateMs UpdateStack's round trip (same template)
 * @property {string} updateOutcome `no updates` (AWS's answer), or what happened instead
 * @property {number} deleteMs from sending DeleteStack to the DescribeStacks answer saying DELETE_COMPLETE
 */

/**
 * One create / no-op update / delete cycle of a stack.
 * @param {CloudFormationClient} client
 * @param {number} pid the server's process id (CPU time)
 * @param {StackTemplate} template
 * @param {string} name
 * @param {number} pollMs
 * @returns {Promise<Cycle>}
 */
async function cycle(client, pid, template, name, pollMs) {
  const input = {
    StackName: name,
    TemplateBody: template.body,
    ...(template.capabilities ? { Capabilities: template.capabilities } : {}),
  };
  const cpu0 = cpuTimeMs(pid) ?? Number.NaN;
  let t0 = performance.now();
  const { StackId } = await client.send(new CreateStackCommand(input));
  const createCallMs = performance.now() - t0;
  const stackId = StackId ?? name;
  const createPolls = await waitFor(client, stackId, 'CREATE_COMPLETE', pollMs);
  const createMs = performance.now() - t0;
  const serverCpuMs = (cpuTimeMs(pid) ?? Number.NaN) - cpu0;

  t0 = performance.now();
  /** @type {string} */
  let updateOutcome;
  try {
    await client.send(new UpdateStackCommand({ ...input, StackName: stackId }));
    // The server started an update of an unchanged stack: let it finish before the delete.
    updateOutcome = 'update started';
  } catch (error) {
    updateOutcome = /** @type {Error} */ (error)?.message === NO_UPDATES ? 'no updates' : describeError(error);
  }
  const updateMs = performance.now() - t0;
  if (updateOutcome === 'update started') {
    await waitFor(client, stackId, 'UPDATE_COMPLETE', pollMs);
    updateOutcome = 'update started, UPDATE_COMPLETE';
  }

  t0 = performance.now();
  await client.send(new DeleteStackCommand({ StackName: stackId }));
  await waitFor(client, stackId, 'DELETE_COMPLETE', pollMs);
  const deleteMs = performance.now() - t0;
  return { createCallMs, createMs, createPolls, serverCpuMs, updateMs, updateOutcome, deleteMs };
}

/**
 * Creates the execution role the `function` template names, with IAM's CreateRole.
 * @param {string} endpoint
 * @returns {Promise<string>} its ARN
 */
async function createRole(endpoint) {
  const iam = new IAMClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  try {
    const { Role } = await iam.send(
      new CreateRoleCommand({ RoleName: 'bench-cfn-role', AssumeRolePolicyDocument: JSON.stringify(ASSUME_LAMBDA) }),
    );
    if (!Role?.Arn) throw new Error('IAM CreateRole answered without a role ARN');
    return Role.Arn;
  } finally {
    iam.destroy();
  }
}

/**
 * Every CloudFormation measurement on one server (fresh: the caller starts it and stops it).
 * A template that fails is recorded with its error; the others still run.
 * @param {import('./servers.mjs').RunningServer} server
 * @param {CloudFormationOptions} o
 */
export async function cloudFormationWorkload(server, o) {
  const client = new CloudFormationClient({
    endpoint: server.url,
    region: 'us-east-1',
    credentials,
    maxAttempts: 1, // a failure is a result here, not something to hide with a retry
    requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: 4 }) },
  });
  try {
    const roleArn = await createRole(server.url);
    /** @type {Record<string, any>} */
    const byTemplate = {};
    for (const template of templates(roleArn, o.resources)) {
      try {
        await cycle(client, server.pid, template, `bench-${template.key}-warmup`, o.pollMs);
        /** @type {Cycle[]} */
        const cycles = [];
        for (let i = 0; i < o.runs; i++) {
          cycles.push(await cycle(client, server.pid, template, `bench-${template.key}-${i}`, o.pollMs));
        }
        byTemplate[template.key] = {
          label: template.label,
          createCallMs: stats(cycles.map((c) => c.createCallMs)),
          createMs: stats(cycles.map((c) => c.createMs)),
          createPolls: stats(cycles.map((c) => c.createPolls)),
          serverCpuMsPerCreate: cycles.reduce((sum, c) => sum + c.serverCpuMs, 0) / cycles.length,
          updateMs: stats(cycles.map((c) => c.updateMs)),
          updateOutcomes: [...new Set(cycles.map((c) => c.updateOutcome))],
          deleteMs: stats(cycles.map((c) => c.deleteMs)),
        };
      } catch (error) {
        byTemplate[template.key] = { label: template.label, error: describeError(error) };
      }
    }
    return { roleArn, templates: byTemplate };
  } finally {
    client.destroy();
  }
}

/**
 * Table rows for the CloudFormation section.
 * @param {Record<string, any>} r results by server name (`lambda-tasks`, `moto`)
 * @param {CloudFormationOptions} o
 * @returns {import('./report.mjs').Row[]}
 */
export function cloudFormationRows(r, o) {
  const lt = r['lambda-tasks'].templates;
  const moto = r.moto.templates;
  const n = `median of ${o.runs}`;
  const notes = (/** @type {(string | undefined)[]} */ ...parts) => parts.filter(Boolean).join('; ') || undefined;
  /** @param {string} key */
  const failures = (key) =>
    notes(
      lt[key]?.error ? `lambda-tasks failed: ${lt[key].error}` : undefined,
      moto[key]?.error ? `moto failed: ${moto[key].error}` : undefined,
    );
  const rows = [];
  /** @type {string | undefined} the first UpdateStack row's answers */
  let answersSoFar;
  for (const key of ['function', 'roleAndFunction', 'logGroups', 'buckets']) {
    const a = lt[key];
    const b = moto[key];
    const label = `stack of ${a?.label ?? b?.label ?? key}`;
    const lambda = key === 'function' || key === 'roleAndFunction';
    const many = key === 'logGroups' || key === 'buckets';
    let createNote;
    if (key === 'function') {
      createNote = notes(
        `CreateStack, then DescribeStacks every ${o.pollMs} ms until CREATE_COMPLETE; Role is the ARN of a role created beforehand with IAM CreateRole on each server`,
        'lambda-tasks keeps a new function Pending for 200 ms (simulated, as AWS does; the CLI has no flag to shorten it, only startCloud({ lambda: { transitionMs } }) does) and its provider polls GetFunctionConfiguration every 50 ms until Active, so ~200-250 ms of this is waiting by design; moto is Active at once and creates the whole stack before CreateStack answers',
        failures(key),
      );
    } else if (key === 'roleAndFunction') {
      createNote = notes(
        'AWS::IAM::Role then the function with Role: Fn::GetAtt Role.Arn (CAPABILITY_IAM), one after the other; same 200 ms Pending on lambda-tasks',
        failures(key),
      );
    } else {
      createNote = notes(
        key === 'logGroups'
          ? `${o.resources} independent resources without names (generated names); lambda-tasks provisions them in parallel in the background`
          : undefined,
        failures(key),
      );
    }
    rows.push(row(`${label}: create`, `ms, ${n}`, 'lower', a?.createMs?.p50, b?.createMs?.p50, createNote));
    if (lambda)
      rows.push(row(`${label}: create p90`, `ms, ${o.runs} runs`, 'lower', a?.createMs?.p90, b?.createMs?.p90));
    if (many) {
      rows.push(
        row(
          `${label}: CreateStack answer`,
          `ms, ${n}`,
          'lower',
          a?.createCallMs?.p50,
          b?.createCallMs?.p50,
          key === 'logGroups'
            ? "the CreateStack round trip alone; moto creates every resource before it answers; lambda-tasks answers CREATE_IN_PROGRESS, but only after the synchronous part of every ready resource's create has run (it grows with the resource count)"
            : undefined,
        ),
      );
      rows.push(
        row(
          `${label}: server CPU per create`,
          `ms, mean of ${o.runs}`,
          'lower',
          a?.serverCpuMsPerCreate,
          b?.serverCpuMsPerCreate,
          key === 'logGroups'
            ? 'user + system CPU of the server process (/proc, 10 ms ticks) from CreateStack to CREATE_COMPLETE, its DescribeStacks polls included'
            : undefined,
        ),
      );
    }
    rows.push(
      row(
        `${label}: delete`,
        `ms, ${n}`,
        'lower',
        a?.deleteMs?.p50,
        b?.deleteMs?.p50,
        key === 'function'
          ? `DeleteStack, then DescribeStacks by stack id every ${o.pollMs} ms until DELETE_COMPLETE`
          : undefined,
      ),
    );
    const outcomes = (/** @type {any} */ side) => side?.updateOutcomes?.join(' / ') ?? 'n/a';
    const answers = `lambda-tasks "${outcomes(a)}", moto "${outcomes(b)}"`;
    const noOp = outcomes(a) === 'no updates' && outcomes(b) === 'no updates';
    // The full explanation once; later rows only when their answers differ from the first one's.
    const updateNote =
      answersSoFar === undefined
        ? `UpdateStack with the unchanged template (UsePreviousTemplate not used); AWS answers ValidationError "${NO_UPDATES}"; answers here: ${answers}${noOp ? '' : ' (moto ran a real update: not the same work)'}`
        : answers === answersSoFar
          ? undefined
          : `answers: ${answers}`;
    answersSoFar ??= answers;
    rows.push(
      row(
        `${label}: UpdateStack no-op`,
        `ms, ${n}`,
        'lower',
        a?.updateMs?.p50,
        b?.updateMs?.p50,
        updateNote,
        noOp ? {} : { comparable: false },
      ),
    );
  }
  return rows;
}
