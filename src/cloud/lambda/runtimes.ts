/**
 * How each Lambda runtime is launched: the command, its arguments and its environment.
 *
 * The environment is built from scratch: nothing of the server's own environment (credentials,
 * tokens, NODE_EXTRA_CA_CERTS, ...) reaches function code. It holds what AWS sets (reserved
 * variables, which the function's own variables cannot override), the function's variables, and
 * AWS_ENDPOINT_URL so the function's SDK calls land in the local cloud.
 *
 * Node runs on this machine's node (the server's own executable), Python on the machine's
 * python3 (boto3 comes from its site-packages), `provided` runtimes run `bootstrap` from the code
 * or a layer. Layers stand in for /opt: `<layer>/nodejs/node_modules`, `<layer>/python`, `<layer>/bin`.
 */
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FunctionSnapshot } from './engine.js';

/** The runtimes the local cloud runs (on the machine's node and python3, or the zip's own bootstrap). */
export const SUPPORTED_RUNTIMES = [
  'nodejs18.x',
  'nodejs20.x',
  'nodejs22.x',
  'nodejs24.x',
  'python3.9',
  'python3.10',
  'python3.11',
  'python3.12',
  'python3.13',
  'python3.14',
  'provided.al2',
  'provided.al2023',
] as const;

export type SupportedRuntime = (typeof SUPPORTED_RUNTIMES)[number];

export function isSupportedRuntime(runtime: string): runtime is SupportedRuntime {
  return (SUPPORTED_RUNTIMES as readonly string[]).includes(runtime);
}

/** The runtime bootstraps ship next to dist/ and src/ (both are three levels below the package root). */
export const RUNTIMES_DIR = fileURLToPath(new URL('../../../runtimes/', import.meta.url));

/**
 * This package's node_modules, which holds the AWS SDK v3: what /var/runtime/node_modules is on
 * AWS, so functions import @aws-sdk/* without bundling it.
 */
function findSdkNodeModules(): string | undefined {
  try {
    const entry = createRequire(import.meta.url).resolve('@aws-sdk/client-s3');
    const at = entry.lastIndexOf('/node_modules/');
    return at < 0 ? undefined : entry.slice(0, at + '/node_modules'.length);
  } catch {
    return undefined;
  }
}

const SDK_NODE_MODULES = findSdkNodeModules();

export interface PythonInstallation {
  executable: string;
  /** `3.11` */
  version: string;
}

const pythonLookups = new Map<string, Promise<PythonInstallation | undefined>>();

/**
 * The machine's python3, resolved once per process to its real executable (a pyenv shim costs
 * 100+ ms per start; the interpreter itself does not).
 */
export function findPython(command = 'python3'): Promise<PythonInstallation | undefined> {
  let lookup = pythonLookups.get(command);
  if (!lookup) {
    lookup = new Promise<PythonInstallation | undefined>((resolve) => {
      const script = 'import sys; print(sys.executable); print("%d.%d" % sys.version_info[:2])';
      execFile(command, ['-c', script], { timeout: 10_000 }, (error, stdout) => {
        const [executable, version] = stdout.trim().split('\n');
        resolve(error || !executable || !version ? undefined : { executable, version });
      });
    });
    pythonLookups.set(command, lookup);
  }
  return lookup;
}

export interface LaunchContext {
  /** host:port of the environment's Runtime API. */
  runtimeApi: string;
  logStreamName: string;
  /** The environment's scratch directory: TMPDIR and HOME. */
  scratchDir: string;
  /** The local cloud's URL (AWS_ENDPOINT_URL). */
  endpoint: string;
  nodeExecutable: string;
  python: PythonInstallation | undefined;
}

export type Launch =
  | { ok: true; command: string; args: string[]; env: Record<string, string> }
  | { ok: false; errorType: string; errorMessage: string };

/** What to spawn for a function's execution environment, or why it cannot start. */
export async function launchSpec(fn: FunctionSnapshot, ctx: LaunchContext): Promise<Launch> {
  return managedLaunch(fn, ctx) ?? providedLaunch(fn, ctx);
}

/** The launch of a managed runtime (nodejs*, python*), decided without touching the disk; undefined for `provided`. */
export function managedLaunch(fn: FunctionSnapshot, ctx: LaunchContext): Launch | undefined {
  const base = baseEnvironment(fn, ctx);
  if (fn.runtime.startsWith('nodejs')) {
    const major = /^nodejs(\d+)/.exec(fn.runtime)?.[1] ?? '20';
    const nodePath = [
      ...[...fn.layerDirs]
        .reverse()
        .flatMap((l) => [join(l, 'nodejs', `node${major}`, 'node_modules'), join(l, 'nodejs', 'node_modules')]),
      ...(SDK_NODE_MODULES ? [SDK_NODE_MODULES] : []),
      fn.codeDir,
    ];
    // Heap sized from the memory setting as AWS's Node bootstrap does (90% old space, 5% semi space).
    const newSpace = Math.floor(fn.memorySizeMb / 10);
    const args = [
      '--expose-gc',
      `--max-semi-space-size=${Math.max(1, Math.floor(newSpace / 2))}`,
      `--max-old-space-size=${fn.memorySizeMb - newSpace}`,
      join(RUNTIMES_DIR, 'nodejs', 'bootstrap.cjs'),
    ];
    const env = finish(fn, ctx, { ...base, NODE_PATH: nodePath.join(':') }, join(RUNTIMES_DIR, 'nodejs'));
    return wrap(fn, { ok: true, command: ctx.nodeExecutable, args, env });
  }
  if (fn.runtime.startsWith('python')) {
    if (!ctx.python) {
      return {
        ok: false,
        errorType: 'Runtime.InvalidEntrypoint',
        errorMessage: 'python3 was not found on this machine',
      };
    }
    const versions = [...new Set([fn.runtime.slice('python'.length), ctx.python.version])];
    const pythonPath = [...fn.layerDirs]
      .reverse()
      .flatMap((l) => [
        ...versions.map((v) => join(l, 'python', 'lib', `python${v}`, 'site-packages')),
        join(l, 'python'),
      ]);
    const env = finish(
      fn,
      ctx,
      // The code directory is read-only on AWS: no __pycache__ written into it here either.
      { ...base, PYTHONPATH: pythonPath.join(':'), PYTHONDONTWRITEBYTECODE: '1' },
      join(RUNTIMES_DIR, 'python'),
    );
    return wrap(fn, {
      ok: true,
      command: ctx.python.executable,
      args: [join(RUNTIMES_DIR, 'python', 'bootstrap.py')],
      env,
    });
  }
  return undefined;
}

/** provided.*: the code's bootstrap, else the last layer's (as /var/task/bootstrap, then /opt/bootstrap). */
async function providedLaunch(fn: FunctionSnapshot, ctx: LaunchContext): Promise<Launch> {
  const base = baseEnvironment(fn, ctx);
  const candidates = [join(fn.codeDir, 'bootstrap'), ...[...fn.layerDirs].reverse().map((l) => join(l, 'bootstrap'))];
  for (const candidate of candidates) {
    const found = await fileStatus(candidate);
    if (found === 'executable')
      return { ok: true, command: candidate, args: [], env: finish(fn, ctx, base, fn.codeDir) };
    if (found === 'not-executable') {
      return {
        ok: false,
        errorType: 'Runtime.InvalidEntrypoint',
        errorMessage: `fork/exec ${candidate}: permission denied`,
      };
    }
  }
  return {
    ok: false,
    errorType: 'Runtime.InvalidEntrypoint',
    errorMessage: `Couldn't find valid bootstrap(s): [${candidates.join(' ')}]`,
  };
}

function baseEnvironment(fn: FunctionSnapshot, ctx: LaunchContext): Record<string, string> {
  const bins = [dirname(ctx.nodeExecutable), ...(ctx.python ? [dirname(ctx.python.executable)] : [])];
  return {
    PATH: [...new Set([...bins, '/usr/local/bin', '/usr/bin', '/bin'])]
      .concat(fn.layerDirs.map((l) => join(l, 'bin')))
      .join(':'),
    LD_LIBRARY_PATH: [join(fn.codeDir, 'lib'), ...fn.layerDirs.map((l) => join(l, 'lib'))].join(':'),
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    HOME: ctx.scratchDir,
    TMPDIR: ctx.scratchDir,
    AWS_ENDPOINT_URL: ctx.endpoint,
    // Functions run on this machine's Node, which may be older than the SDK would like; AWS's
    // runtime never prints that warning, so neither do functions here.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/** The function's variables over the defaults, then the reserved variables over everything. */
function finish(
  fn: FunctionSnapshot,
  ctx: LaunchContext,
  defaults: Record<string, string>,
  runtimeDir: string,
): Record<string, string> {
  const env: Record<string, string> = { ...defaults, ...fn.environment };
  const reserved: Record<string, string | undefined> = {
    _HANDLER: fn.handler,
    AWS_LAMBDA_RUNTIME_API: ctx.runtimeApi,
    LAMBDA_TASK_ROOT: fn.codeDir,
    LAMBDA_RUNTIME_DIR: runtimeDir,
    AWS_REGION: fn.region,
    AWS_DEFAULT_REGION: fn.region,
    AWS_EXECUTION_ENV: fn.runtime.startsWith('provided') ? undefined : `AWS_Lambda_${fn.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: fn.version,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySizeMb),
    AWS_LAMBDA_LOG_GROUP_NAME: fn.logGroupName,
    AWS_LAMBDA_LOG_STREAM_NAME: ctx.logStreamName,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_ACCESS_KEY_ID: fn.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: fn.credentials.secretAccessKey,
    AWS_SESSION_TOKEN: fn.credentials.sessionToken,
  };
  for (const [name, value] of Object.entries(reserved)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/** AWS_LAMBDA_EXEC_WRAPPER (managed runtimes only): the wrapper script runs the runtime command. */
function wrap(fn: FunctionSnapshot, launch: Launch & { ok: true }): Launch {
  const wrapper = fn.environment.AWS_LAMBDA_EXEC_WRAPPER;
  if (!wrapper) return launch;
  return { ...launch, command: wrapper, args: [launch.command, ...launch.args] };
}

async function fileStatus(file: string): Promise<'executable' | 'not-executable' | 'missing'> {
  try {
    if (!(await stat(file)).isFile()) return 'missing';
  } catch {
    return 'missing';
  }
  try {
    await access(file, constants.X_OK);
    return 'executable';
  } catch {
    return 'not-executable';
  }
}
