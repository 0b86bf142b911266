// The Node.js runtime of lambda-tasks' local cloud: one function process, speaking the Lambda
// Runtime API (AWS_LAMBDA_RUNTIME_API) like AWS's own runtime (aws-lambda-nodejs-runtime-interface-
// client): same handler resolution, context object, console format and error payloads.
//
// Plain JS with no build step (the same file serves src/ and dist/), requiring only node: builtins
// at startup. CommonJS on purpose: an ES module entry point costs ~10 ms more to start, which
// every cold start would pay; ES module handlers are loaded with import() all the same.
//
// Started with LAMBDA_TASKS_POOLED=1, the process is one of the local cloud's pre-started
// runtimes (src/cloud/lambda/pool.ts): it loads everything but the function, then waits for its
// assignment (the function's variables and working directory) before it loads the handler.

'use strict';

const fs = require('node:fs');
const nodeModule = require('node:module');
const net = require('node:net');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { format } = require('node:util');

const env = process.env;
const [apiHost, apiPort] = splitHostPort(env.AWS_LAMBDA_RUNTIME_API ?? '');

// ---- Runtime API client --------------------------------------------------------------------

// HTTP/1.1 over one keep-alive socket: the Runtime API is the local cloud's loopback server, which
// always answers with Content-Length. node:http would cost every invoke (and every cold start)
// several times what these few lines do; AWS's own Node runtime uses a native client for the same
// reason. Requests may be pipelined: a response is posted together with the next GET /next, in one
// write (the server handles a connection's requests in order, and answers them in order).

function splitHostPort(address) {
  const colon = address.lastIndexOf(':');
  return [address.slice(0, colon), Number(address.slice(colon + 1))];
}

const HEADER_END = Buffer.from('\r\n\r\n');
let connection;

/** The open connection, or a new one; responses are matched to requests in order. */
function connect() {
  if (connection && !connection.closed) return connection;
  const socket = net.connect({ host: apiHost, port: apiPort, noDelay: true });
  const conn = {
    socket,
    closed: false,
    waiting: [],
    head: Buffer.alloc(0),
    response: undefined,
    chunks: [],
    length: 0,
  };
  const fail = (error) => {
    conn.closed = true;
    socket.destroy();
    for (const { reject } of conn.waiting.splice(0)) reject(error);
  };
  socket.on('error', fail);
  socket.on('close', () => fail(new Error('the Runtime API closed the connection')));
  socket.on('data', (chunk) => {
    try {
      receive(conn, chunk);
    } catch (error) {
      fail(error);
    }
  });
  connection = conn;
  return conn;
}

/** Parses as many responses as `chunk` completes; each goes to the oldest request waiting. */
function receive(conn, chunk) {
  while (chunk.length > 0) {
    if (!conn.response) {
      const head = conn.head.length === 0 ? chunk : Buffer.concat([conn.head, chunk]);
      const end = head.indexOf(HEADER_END);
      if (end < 0) {
        conn.head = head;
        return;
      }
      conn.head = Buffer.alloc(0);
      const lines = head.subarray(0, end).toString('latin1').split('\r\n');
      const headers = {};
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const expected = Number(headers['content-length'] ?? 0);
      conn.response = { status: Number(lines[0]?.split(' ')[1]), headers, body: undefined, expected };
      conn.chunks = [];
      conn.length = 0;
      chunk = head.subarray(end + HEADER_END.length);
    }
    const response = conn.response;
    // The body is collected as chunks and joined once (an event can be 6 MB).
    const take = Math.min(chunk.length, response.expected - conn.length);
    if (take > 0) {
      conn.chunks.push(chunk.subarray(0, take));
      conn.length += take;
      chunk = chunk.subarray(take);
    }
    if (conn.length < response.expected) return;
    response.body = conn.chunks.length === 1 ? conn.chunks[0] : Buffer.concat(conn.chunks, conn.length);
    conn.response = undefined;
    conn.chunks = [];
    const waiter = conn.waiting.shift();
    // An idle socket must not keep the event loop alive (callbackWaitsForEmptyEventLoop).
    if (conn.waiting.length === 0) conn.socket.unref();
    if (response.headers.connection === 'close') {
      conn.closed = true;
      conn.socket.end();
    }
    waiter?.resolve(response);
  }
}

function encode({ method, path: urlPath, body, headers = {} }) {
  const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(body);
  let head = `${method} ${urlPath} HTTP/1.1\r\nHost: ${apiHost}:${apiPort}\r\nContent-Length: ${payload.length}\r\n`;
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  return [Buffer.from(`${head}\r\n`, 'latin1'), payload];
}

/** Sends the requests in one write; one promise per request, resolved with status, headers and body. */
function send(...requests) {
  const conn = connect();
  const answers = requests.map(() => new Promise((resolve, reject) => conn.waiting.push({ resolve, reject })));
  conn.socket.ref();
  conn.socket.write(Buffer.concat(requests.flatMap(encode)));
  return answers;
}

/** The Runtime API is our lifeline: when it is gone the server is gone, so the process ends. */
function lost(error) {
  process.stderr.write(`lambda-tasks runtime: the Runtime API failed: ${error?.message ?? error}\n`);
  process.exit(1);
}

const base = '/2018-06-01/runtime';

const NEXT = { method: 'GET', path: `${base}/invocation/next` };

function responseRequest(id, body) {
  return {
    method: 'POST',
    path: `${base}/invocation/${id}/response`,
    body,
    headers: { 'Content-Type': 'application/json' },
  };
}

function errorRequest(urlPath, error) {
  const payload = toRapidResponse(error);
  return {
    method: 'POST',
    path: urlPath,
    body: JSON.stringify(payload),
    headers: {
      'Content-Type': 'application/json',
      'Lambda-Runtime-Function-Error-Type': headerSafe(payload.errorType),
    },
  };
}

function postError(urlPath, error) {
  return send(errorRequest(urlPath, error))[0];
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
let jsonLogs = false;

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

/** The console as the function's log settings want it (read when the function is known). */
function configureConsole() {
  const minimumLevel = levels[(env.AWS_LAMBDA_LOG_LEVEL ?? '').toUpperCase()] ?? levels.TRACE;
  jsonLogs = (env.AWS_LAMBDA_LOG_FORMAT ?? '').toUpperCase() === 'JSON';
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
function installEsmFallback(fresh) {
  esmFallback ??= (async () => {
    const dirs = (env.NODE_PATH ?? '').split(':').filter(Boolean);
    if (dirs.length === 0) return;
    const hook = pathToFileURL(path.join(__dirname, 'resolve-hook.mjs')).href;
    if (typeof nodeModule.registerHooks === 'function') {
      // Node 22.15+: synchronous in-thread hooks, no loader thread to start.
      const { configure, resolveSync } = await import(hook);
      configure({ dirs, fresh });
      nodeModule.registerHooks({ resolve: resolveSync });
    } else {
      // Node 20: the hook runs on a loader thread, which costs tens of milliseconds to start.
      nodeModule.register(hook, { parentURL: pathToFileURL(__filename).href, data: { dirs, fresh } });
    }
  })();
  return esmFallback;
}

// What an ES module graph imports, found by a conservative scan of its local files: a bare import
// that its own node_modules cannot satisfy (or a computed import()) needs the fallback hook.
const STATIC_IMPORT = /\b(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)?(['"])([^'"\n]+)\1/g;
const DYNAMIC_IMPORT = /\bimport\s*\(\s*(?:(['"])([^'"\n]+)\1\s*[,)])?/g;
const MAX_SCANNED_FILES = 200;

function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function reachable(fromDir, name) {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'node_modules', name))) return true;
    if (dir === path.dirname(dir)) return false;
  }
}

function needsEsmFallback(entry) {
  const seen = new Set();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    if (seen.size > MAX_SCANNED_FILES) return true;
    let source;
    try {
      source = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const specifiers = [];
    for (const match of source.matchAll(DYNAMIC_IMPORT)) {
      if (!match[2]) return true; // import(expression): anything could be asked for
      specifiers.push(match[2]);
    }
    for (const match of source.matchAll(STATIC_IMPORT)) specifiers.push(match[2]);
    for (const specifier of specifiers) {
      if (specifier.startsWith('.') || specifier.startsWith('/')) {
        const target = path.resolve(path.dirname(file), specifier);
        if (/\.m?js$/.test(target)) queue.push(target);
      } else if (!/^(#|[a-zA-Z][a-zA-Z0-9+.-]*:)/.test(specifier) && !nodeModule.isBuiltin(specifier)) {
        if (!reachable(path.dirname(file), packageName(specifier))) return true;
      }
    }
  }
  return false;
}

async function importModule(file) {
  const url = pathToFileURL(file).href;
  if (needsEsmFallback(file)) await installEsmFallback(false);
  try {
    return await import(url);
  } catch (error) {
    const missingPackage =
      error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).startsWith('Cannot find package');
    if (esmFallback || !missingPackage) throw error;
    // The scan missed it: retry with the hook, under fresh URLs (Node keeps the failed modules).
    await installEsmFallback(true);
    return import(url);
  }
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

/** Posts the invocation's outcome and, in the same write, asks for the next one. */
function finishAndNext(handler, outcome) {
  const [posted, next] = send(outcome, NEXT);
  posted.catch(lost);
  next.then((event) => invoke(handler, event), lost);
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
    finishAndNext(handler, responseRequest(id, body));
  };
  const fail = (error) => {
    logError('Invoke Error', error);
    finishAndNext(handler, errorRequest(`${base}/invocation/${id}/error`, error));
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

/** Everything that depends on the function: the console's settings, then the handler. */
function start() {
  configureConsole();
  loadHandler(env.LAMBDA_TASK_ROOT ?? process.cwd(), env._HANDLER ?? '').then(
    (handler) => send(NEXT)[0].then((event) => invoke(handler, event), lost),
    (error) => {
      logError('Uncaught Exception', error);
      reportFatal(error, 129);
    },
  );
}

/**
 * A pre-started process (the local cloud's pool) gets its function's environment variables and
 * working directory only now, and puts them in place as a fresh process would have them: nothing
 * of the waiting process's own environment stays, and the CommonJS search path is computed again
 * from NODE_PATH and HOME, as Node's start computes it (Module._initPaths, which is what Node
 * itself calls; only builtins were loaded so far, so no lookup was cached).
 */
function becomeAssigned(answer) {
  if (answer.status !== 200) return lost(new Error(`the assignment answered ${answer.status}: ${answer.body}`));
  const { env: variables, cwd } = JSON.parse(answer.body.toString('utf8'));
  for (const name of Object.keys(env)) delete env[name];
  Object.assign(env, variables);
  process.chdir(cwd);
  nodeModule._initPaths();
  start();
}

if (env.LAMBDA_TASKS_POOLED === '1') {
  send({ method: 'GET', path: '/lambda-tasks/runtime-pool/assignment' })[0].then(becomeAssigned, lost);
} else {
  start();
}
