// The Node.js runtime of lambda-tasks' local cloud: one function process, speaking the Lambda
// Runtime API (AWS_LAMBDA_RUNTIME_API) like AWS's own runtime (aws-lambda-nodejs-runtime-interface-
// client): same handler resolution, context object, console format and error payloads.
//
// Plain JS with no build step (the same file serves src/ and dist/), importing only node: builtins
// at startup so a cold start stays close to bare `node` start-up time.

import fs from 'node:fs';
import http from 'node:http';
import * as nodeModule from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';

const env = process.env;
const [apiHost, apiPort] = splitHostPort(env.AWS_LAMBDA_RUNTIME_API ?? '');
const agent = new http.Agent({ keepAlive: true });
const require = nodeModule.createRequire(import.meta.url);

// ---- Runtime API client --------------------------------------------------------------------

function splitHostPort(address) {
  const colon = address.lastIndexOf(':');
  return [address.slice(0, colon), Number(address.slice(colon + 1))];
}

/** One request to the Runtime API; resolves with status, headers and the body as a Buffer. */
function call(method, urlPath, body, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: apiHost, port: apiPort, method, path: urlPath, agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The Runtime API is our lifeline: when it is gone the server is gone, so the process ends. */
function lost(error) {
  process.stderr.write(`lambda-tasks runtime: the Runtime API failed: ${error?.message ?? error}\n`);
  process.exit(1);
}

const base = '/2018-06-01/runtime';

function postResponse(id, body) {
  return call('POST', `${base}/invocation/${id}/response`, body, { 'Content-Type': 'application/json' });
}

function postError(urlPath, error) {
  const payload = toRapidResponse(error);
  const body = JSON.stringify(payload);
  return call('POST', urlPath, body, {
    'Content-Type': 'application/json',
    'Lambda-Runtime-Function-Error-Type': headerSafe(payload.errorType),
  });
}

function headerSafe(value) {
  return String(value).replace(/[^\t\x20-\x7e]/g, '');
}

// ---- Errors, named as AWS's runtime names them -------------------------------------------------

function runtimeError(name, message, cause) {
  const error = new Error(message);
  error.name = `Runtime.${name}`;
  if (cause?.stack) error.stack = cause.stack;
  return error;
}

/** The JSON AWS's runtime posts for an error (and returns to the caller). */
function toRapidResponse(error) {
  try {
    if (error instanceof Error || (error && typeof error.name === 'string' && typeof error.stack === 'string')) {
      return { errorType: error.name, errorMessage: error.message, trace: String(error.stack).split('\n') };
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

/** What the runtime logs after "Invoke Error" and friends: a tab, then the error as JSON. */
function formatted(error) {
  const replacer = (_key, value) => {
    if (!(value instanceof Error)) return value;
    const out = { errorType: value.name, errorMessage: value.message, code: value.code, ...value };
    if (typeof value.stack === 'string') out.stack = value.stack.split('\n');
    return out;
  };
  try {
    return `\t${JSON.stringify(error, replacer)}`;
  } catch {
    return `\t${JSON.stringify(toRapidResponse(error))}`;
  }
}

function intoError(value) {
  return value instanceof Error ? value : new Error(value);
}

// ---- Console: AWS's text format (or JSON when AWS_LAMBDA_LOG_FORMAT=JSON) ----------------------

// Node writes to pipes asynchronously: a function that prints a lot would queue it in its own
// memory and could answer (or be killed) before its output left. AWS's runtime writes its log
// synchronously; blocking pipes give the same: a write returns once the local cloud has room.
for (const stream of [process.stdout, process.stderr]) stream._handle?.setBlocking?.(true);

let currentRequestId; // `undefined` during init, as AWS prints it
const levels = { TRACE: 1, DEBUG: 2, INFO: 3, WARN: 4, ERROR: 5, FATAL: 6 };
const minimumLevel = levels[(env.AWS_LAMBDA_LOG_LEVEL ?? '').toUpperCase()] ?? levels.TRACE;
const jsonLogs = (env.AWS_LAMBDA_LOG_FORMAT ?? '').toUpperCase() === 'JSON';

function writeLog(level, args) {
  const time = new Date().toISOString();
  let line;
  if (jsonLogs) {
    const record = { timestamp: time, level, requestId: currentRequestId, message: format(...args) };
    const error = args.find((arg) => arg instanceof Error);
    if (error)
      Object.assign(record, {
        errorType: error.name,
        errorMessage: error.message,
        stackTrace: String(error.stack).split('\n'),
      });
    line = JSON.stringify(record);
  } else {
    line = `${time}\t${currentRequestId}\t${level}\t${format(...args)}`;
  }
  // One log event per call: newlines inside a message become \r (AWS's runtime does the same on
  // stdout); the local cloud turns them back into newlines inside the event.
  process.stdout.write(`${line.replace(/\n/g, '\r')}\n`);
}

for (const [method, level] of [
  ['trace', 'TRACE'],
  ['debug', 'DEBUG'],
  ['info', 'INFO'],
  ['log', 'INFO'],
  ['warn', 'WARN'],
  ['error', 'ERROR'],
  ['fatal', 'FATAL'],
]) {
  console[method] = levels[level] >= minimumLevel ? (...args) => writeLog(level, args) : () => {};
}

function logError(title, error) {
  if (jsonLogs) console.error(intoError(error));
  else console.error(title, formatted(intoError(error)));
}

// ---- Loading the handler (UserFunction.js semantics) ------------------------------------------

function isTypeModule(folder) {
  for (let dir = folder; ; dir = path.dirname(dir)) {
    if (dir.endsWith('/node_modules')) return false;
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      try {
        return JSON.parse(fs.readFileSync(file, 'utf8'))?.type === 'module';
      } catch {
        return false;
      }
    }
    if (dir === path.dirname(dir)) return false;
  }
}

let esmFallback;

/** ES modules ignore NODE_PATH; a resolve hook gives them the same fallback dirs (the AWS SDK, layers). */
function installEsmFallback() {
  esmFallback ??= (async () => {
    const dirs = (env.NODE_PATH ?? '').split(':').filter(Boolean);
    if (dirs.length === 0) return;
    const hook = new URL('./resolve-hook.mjs', import.meta.url).href;
    if (typeof nodeModule.registerHooks !== 'function') {
      // Node 20/22.14-: the hook runs on a loader thread (register() costs tens of ms, so it is
      // only paid by functions that load ES modules).
      nodeModule.register(hook, { parentURL: import.meta.url, data: { dirs } });
      return;
    }
    // Node 22.15+: synchronous in-thread hooks, no loader thread to start.
    const { fallbackParents, isBare } = await import(hook);
    const parents = fallbackParents(dirs);
    nodeModule.registerHooks({
      resolve(specifier, context, nextResolve) {
        try {
          return nextResolve(specifier, context);
        } catch (error) {
          if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !isBare(specifier)) throw error;
          for (const parentURL of parents) {
            try {
              return nextResolve(specifier, { ...context, parentURL });
            } catch {}
          }
          throw error;
        }
      },
    });
  })();
  return esmFallback;
}

async function importModule(file) {
  await installEsmFallback();
  return import(pathToFileURL(file).href);
}

async function loadModule(appRoot, moduleRoot, moduleName) {
  const file = path.resolve(appRoot, moduleRoot, moduleName);
  if (fs.existsSync(file)) return require(file);
  const typeModule = isTypeModule(path.dirname(file));
  if (!typeModule && fs.existsSync(`${file}.js`)) return require(`${file}.js`);
  if (typeModule && fs.existsSync(`${file}.js`)) return importModule(`${file}.js`);
  if (fs.existsSync(`${file}.mjs`)) return importModule(`${file}.mjs`);
  if (fs.existsSync(`${file}.cjs`)) return require(`${file}.cjs`);
  return require(require.resolve(moduleName, { paths: [appRoot, moduleRoot] }));
}

async function loadHandler(appRoot, fullHandler) {
  if (fullHandler.includes('..')) {
    throw runtimeError(
      'MalformedHandlerName',
      `'${fullHandler}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const handlerString = path.basename(fullHandler);
  const moduleRoot = fullHandler.substring(0, fullHandler.indexOf(handlerString));
  const match = /^([^.]*)\.(.*)$/.exec(handlerString);
  if (!match) throw runtimeError('MalformedHandlerName', 'Bad handler');
  const [, moduleName, handlerPath] = match;

  let userModule;
  try {
    userModule = await loadModule(appRoot, moduleRoot, moduleName);
  } catch (error) {
    if (error instanceof SyntaxError) throw runtimeError('UserCodeSyntaxError', String(error), error);
    if (error?.code === 'MODULE_NOT_FOUND' || error?.code === 'ERR_MODULE_NOT_FOUND') {
      throw runtimeError('ImportModuleError', String(error));
    }
    throw error;
  }
  const handler = handlerPath.split('.').reduce((object, key) => object?.[key], userModule);
  if (!handler) throw runtimeError('HandlerNotFound', `${fullHandler} is undefined or not exported`);
  if (typeof handler !== 'function') throw runtimeError('HandlerNotFound', `${fullHandler} is not a function`);
  return handler;
}

// ---- Process-wide failures --------------------------------------------------------------------

// During init they are init errors; during an invocation, that invocation's error. Either way the
// process then exits (129 / 128, as AWS's runtime does) and the next invoke starts a fresh one.
let reportFatal = (error, code) => postError(`${base}/init/error`, error).then(() => process.exit(code), lost);

process.on('uncaughtException', (error) => {
  logError('Uncaught Exception', error);
  reportFatal(error, 129);
});

process.on('unhandledRejection', (reason) => {
  const error = runtimeError('UnhandledPromiseRejection', String(reason));
  logError('Unhandled Promise Rejection', error);
  reportFatal(error, 128);
});

// A callback handler with callbackWaitsForEmptyEventLoop answers once the event loop is empty.
let onBeforeExit;
process.on('beforeExit', () => {
  const listener = onBeforeExit;
  onBeforeExit = undefined;
  listener?.();
});

// ---- The invoke loop --------------------------------------------------------------------------

function scheduleNext(handler) {
  setImmediate(() => call('GET', `${base}/invocation/next`).then((next) => invoke(handler, next), lost));
}

function headerUtf8(value) {
  return value === undefined ? undefined : Buffer.from(String(value), 'latin1').toString('utf8');
}

function parseJsonHeader(value) {
  if (!value) return undefined;
  try {
    return JSON.parse(headerUtf8(value));
  } catch {
    return undefined;
  }
}

function invoke(handler, next) {
  if (next.status !== 200) return lost(new Error(`GET /next answered ${next.status}: ${next.body}`));
  const h = next.headers;
  const id = h['lambda-runtime-aws-request-id'];
  const deadline = Number(h['lambda-runtime-deadline-ms']);
  currentRequestId = id;
  if (h['lambda-runtime-trace-id']) env._X_AMZN_TRACE_ID = h['lambda-runtime-trace-id'];
  else delete env._X_AMZN_TRACE_ID;

  reportFatal = (error, code) =>
    postError(`${base}/invocation/${id}/error`, error).then(() => process.exit(code), lost);

  // Only the first completion counts (callback, succeed, fail, done, or the returned promise).
  let finished = false;
  let waitForEmptyEventLoop = true;
  const complete = (result) => {
    let body;
    try {
      body = JSON.stringify(result === undefined ? null : result);
    } catch {
      fail(runtimeError('JSONStringifyError', 'Unable to stringify response body'));
      return;
    }
    postResponse(id, body).then(() => scheduleNext(handler), lost);
  };
  const fail = (error) => {
    logError('Invoke Error', error);
    postError(`${base}/invocation/${id}/error`, error).then(() => scheduleNext(handler), lost);
  };
  const once =
    (fn) =>
    (...args) => {
      if (finished) return;
      finished = true;
      onBeforeExit = undefined;
      fn(...args);
    };
  const done = once((error, result) => (error !== undefined && error !== null ? fail(error) : complete(result)));
  const callback = once((error, result) => {
    if (error !== undefined && error !== null) fail(error);
    else if (!waitForEmptyEventLoop) complete(result);
    else onBeforeExit = () => setImmediate(() => complete(result));
  });

  const context = {
    get callbackWaitsForEmptyEventLoop() {
      return waitForEmptyEventLoop;
    },
    set callbackWaitsForEmptyEventLoop(value) {
      waitForEmptyEventLoop = value;
    },
    succeed: (result) => done(null, result),
    fail: (error) => done(error === undefined || error === null ? 'handled' : error),
    done,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: h['lambda-runtime-invoked-function-arn'],
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: id,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext: parseJsonHeader(h['lambda-runtime-client-context']),
    identity: parseJsonHeader(h['lambda-runtime-cognito-identity']),
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };

  // A handler that returns without answering: sync handlers answer null once the loop is empty,
  // async ones fail, as AWS's runtime does.
  const isAsync = handler.constructor?.name === 'AsyncFunction';
  onBeforeExit = once(() => {
    if (!isAsync) return complete(null);
    const error = runtimeError('NodeJsExit', 'Runtime exited without providing a reason');
    fail(error);
  });

  try {
    const result = handler(JSON.parse(next.body.toString('utf8')), context, callback);
    if (result && typeof result.then === 'function') result.then(context.succeed, context.fail);
  } catch (error) {
    callback(error);
  }
}

// ---- Start ------------------------------------------------------------------------------------

try {
  const handler = await loadHandler(env.LAMBDA_TASK_ROOT ?? process.cwd(), env._HANDLER ?? '');
  scheduleNext(handler);
} catch (error) {
  logError('Uncaught Exception', error);
  reportFatal(error, 129);
}
