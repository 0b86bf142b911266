/** The Python runtime: handler, context, print/logging output and AWS's error payloads. */
import { describe, expect, it } from 'vitest';
import { snapshot, useEngine, writeCode } from './helpers.js';

const engine = useEngine();

const python = (codeDir: string, handler = 'lambda_function.lambda_handler') =>
  snapshot({ codeDir, handler, runtime: 'python3.12' });

describe('python runtime', () => {
  it('runs module.function handlers, with the context object and dotted module paths', async () => {
    const t = await engine();
    const codeDir = await writeCode({
      'lambda_function.py': `
import os

def lambda_handler(event, context):
    return {
        "event": event,
        "aws_request_id": context.aws_request_id,
        "function_name": context.function_name,
        "function_version": context.function_version,
        "invoked_function_arn": context.invoked_function_arn,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "log_group_name": context.log_group_name,
        "log_stream_name": context.log_stream_name,
        "remaining": context.get_remaining_time_in_millis(),
        "client_custom": context.client_context.custom if context.client_context else None,
        "identity_id": context.identity.cognito_identity_id,
        "cwd": os.getcwd(),
        "pid": os.getpid(),
    }
`,
      'pkg/__init__.py': '',
      'pkg/app.py': `def handle(event, context):\n    return "dotted"\n`,
    });
    const fn = python(codeDir);
    const r = await t.invoke(
      fn,
      { x: [1, 2] },
      { requestId: 'py-1', clientContext: JSON.stringify({ custom: { a: 'b' } }) },
    );
    expect(r.functionError).toBeUndefined();
    const out = r.json as Record<string, unknown>;
    expect(out).toMatchObject({
      event: { x: [1, 2] },
      aws_request_id: 'py-1',
      function_name: fn.functionName,
      function_version: '$LATEST',
      invoked_function_arn: fn.functionArn,
      memory_limit_in_mb: '128',
      log_group_name: fn.logGroupName,
      client_custom: { a: 'b' },
      identity_id: null,
      cwd: codeDir,
    });
    expect(out.remaining).toBeGreaterThan(4000);
    expect(out.log_stream_name).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(r.payload.toString()).toContain('"aws_request_id": "py-1"'); // json.dumps' separators, as AWS
    // Warm: the same interpreter answers again.
    expect(((await t.invoke(fn)).json as { pid: number }).pid).toBe(out.pid);
    expect((await t.invoke(python(codeDir, 'pkg/app.handle'))).json).toBe('dotted');
    expect((await t.invoke(python(codeDir, 'pkg.app.handle'))).json).toBe('dotted');
  });

  it('logs print() output and logging records in AWS format', async () => {
    const t = await engine();
    const codeDir = await writeCode({
      'lambda_function.py': `
import logging, sys
logger = logging.getLogger()
logger.setLevel(logging.INFO)
print("loading")

def lambda_handler(event, context):
    print("hello from print")
    print("to stderr", file=sys.stderr)
    logger.info("info record")
    logger.warning("two\\nlines")
    return None
`,
    });
    const fn = python(codeDir);
    const r = await t.invoke(fn, {}, { requestId: 'py-log', tailLog: true });
    expect(r.payload.toString()).toBe('null');
    await t.engine.close();
    const messages = t.sink.messages(fn.logGroupName);
    expect(messages.slice(0, 3)).toEqual([
      'loading\n',
      'START RequestId: py-log Version: $LATEST\n',
      'hello from print\n',
    ]);
    expect(messages).toContain('to stderr\n');
    const iso = '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z';
    expect(messages).toContainEqual(expect.stringMatching(new RegExp(`^\\[INFO\\]\t${iso}\tpy-log\tinfo record\n$`)));
    expect(messages).toContainEqual(expect.stringMatching(/^\[WARNING\]\t.*\tpy-log\ttwo\nlines\n$/));
    expect(Buffer.from(r.logResult ?? '', 'base64').toString()).toContain('hello from print\n');
  });

  it('reports errors as awslambdaric does', async () => {
    const t = await engine();
    const codeDir = await writeCode({
      'lambda_function.py': `
def lambda_handler(event, context):
    raise ValueError("bad value")

def unserializable(event, context):
    return {1, 2}
`,
      'broken.py': 'def handler(event, context)\n    return 1\n',
      'importer.py': 'import not_installed_anywhere\n',
    });
    const fn = python(codeDir);
    // Every handler of the function logs to the same group.
    const variant = (handler: string) => ({ ...fn, handler, configKey: `${fn.configKey}:${handler}` });
    const r = await t.invoke(fn, {}, { requestId: 'py-err' });
    expect(r.functionError).toBe('Unhandled');
    const payload = r.json as { errorMessage: string; errorType: string; requestId: string; stackTrace: string[] };
    expect(payload).toMatchObject({ errorMessage: 'bad value', errorType: 'ValueError', requestId: 'py-err' });
    expect(payload.stackTrace).toHaveLength(1);
    expect(payload.stackTrace[0]).toMatch(/lambda_function\.py", line 3, in lambda_handler\n {4}raise ValueError/);
    expect(Object.keys(payload)).toEqual(['errorMessage', 'errorType', 'requestId', 'stackTrace']);

    expect((await t.invoke(variant('lambda_function.unserializable'))).json).toMatchObject({
      errorType: 'Runtime.MarshalError',
      errorMessage: 'Unable to marshal response: Object of type set is not JSON serializable',
    });
    expect((await t.invoke(variant('missing_module.handler'))).json).toEqual({
      errorMessage: "Unable to import module 'missing_module': No module named 'missing_module'",
      errorType: 'Runtime.ImportModuleError',
      requestId: '',
      stackTrace: [],
    });
    expect((await t.invoke(variant('importer.handler'))).json).toMatchObject({
      errorType: 'Runtime.ImportModuleError',
      errorMessage: "Unable to import module 'importer': No module named 'not_installed_anywhere'",
    });
    expect((await t.invoke(variant('lambda_function.nothing'))).json).toMatchObject({
      errorType: 'Runtime.HandlerNotFound',
      errorMessage: "Handler 'nothing' missing on module 'lambda_function'",
    });
    expect((await t.invoke(variant('broken.handler'))).json).toMatchObject({
      errorType: 'Runtime.UserCodeSyntaxError',
    });
    await t.engine.close();
    const logged = t.sink.messages(fn.logGroupName);
    // awslambdaric's text format: one event, traceback indented with no-break spaces.
    expect(logged).toContainEqual(
      expect.stringMatching(
        /^\[ERROR\] ValueError: bad value\nTraceback \(most recent call last\):\n\u00a0\u00a0File ".*lambda_function\.py", line 3, in lambda_handler\n\u00a0{4}raise ValueError\("bad value"\)\n$/,
      ),
    );
    expect(logged).toContainEqual(
      "[ERROR] Runtime.ImportModuleError: Unable to import module 'missing_module': No module named 'missing_module'\nTraceback (most recent call last):\n",
    );
  });

  it('imports boto3 from the machine and modules from layers (python/ and site-packages)', async () => {
    const t = await engine();
    const layer = await writeCode({
      'python/layer_util.py': 'NAME = "from layer python/"\n',
      'python/lib/python3.12/site-packages/layer_pkg.py': 'NAME = "from layer site-packages"\n',
    });
    const codeDir = await writeCode({
      'lambda_function.py': `
import boto3, layer_util, layer_pkg

def lambda_handler(event, context):
    return [boto3.__name__, layer_util.NAME, layer_pkg.NAME]
`,
    });
    const r = await t.invoke(
      snapshot({ codeDir, handler: 'lambda_function.lambda_handler', runtime: 'python3.12', layerDirs: [layer] }),
    );
    expect(r.json).toEqual(['boto3', 'from layer python/', 'from layer site-packages']);
  });

  it('leaks nothing of the server environment', async () => {
    process.env.SECRET_TEST = 'python-secret-value';
    try {
      const t = await engine();
      const codeDir = await writeCode({
        'lambda_function.py': 'import os\n\ndef lambda_handler(event, context):\n    return dict(os.environ)\n',
      });
      const env = (await t.invoke(python(codeDir))).json as Record<string, string>;
      expect(env.SECRET_TEST).toBeUndefined();
      expect(env).toMatchObject({
        AWS_EXECUTION_ENV: 'AWS_Lambda_python3.12',
        _HANDLER: 'lambda_function.lambda_handler',
      });
    } finally {
      delete process.env.SECRET_TEST;
    }
  });
});
