import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, GetObjectTaggingCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { PipelineError } from '../../../src/pipeline/errors.js';
import { s3ObjectTask } from '../../../src/tasks/s3-object/index.js';
import type { ActionDefinition } from '../../../src/tasks/task.js';
import { randomName, useCloud } from '../../helpers/cloud.js';
import { plan, run, useTaskContexts } from '../support.js';

const t = useCloud();
const context = useTaskContexts(t);
const upload = s3ObjectTask.actions['upload'] as ActionDefinition<unknown>;

function write(root: string, files: Record<string, string | Buffer>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

async function bucket(): Promise<string> {
  const name = randomName('bucket');
  await t.s3().send(new CreateBucketCommand({ Bucket: name }));
  return name;
}

describe('s3-object: upload', () => {
  it('uploads one file with headers, metadata and tags, creating the bucket', async () => {
    const tc = context();
    const name = randomName('bucket');
    write(tc.baseDir, { 'site/index.html': '<h1>hi</h1>' });
    const result = await run(
      upload,
      {
        bucket: name,
        file: 'site/index.html',
        key: 'web/index.html',
        createBucket: true,
        cacheControl: 'max-age=60',
        metadata: { Build: '42' },
        tags: { team: 'core', env: 'test' },
        serverSideEncryption: 'AES256',
      },
      tc,
    );
    expect(tc.messages('change')).toEqual([
      `created bucket ${name} (us-east-1)`,
      `uploaded s3://${name}/web/index.html (11 bytes): new object`,
    ]);
    expect(result).toMatchObject({
      changed: true,
      outputs: { bucket: name, key: 'web/index.html', keys: '["web/index.html"]', uploaded: 1, skipped: 0 },
    });
    const head = await t
      .s3()
      .send(new HeadObjectCommand({ Bucket: name, Key: 'web/index.html', ChecksumMode: 'ENABLED' }));
    expect(head).toMatchObject({
      ContentType: 'text/html',
      CacheControl: 'max-age=60',
      Metadata: { build: '42' },
      ServerSideEncryption: 'AES256',
      ETag: result.outputs['etag'],
    });
    // Single-part uploads carry a full SHA-256, which lambda-function deploy compares with CodeSha256.
    expect(head.ChecksumSHA256).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    const tags = await t.s3().send(new GetObjectTaggingCommand({ Bucket: name, Key: 'web/index.html' }));
    expect(tags.TagSet?.map((t) => `${t.Key}=${t.Value}`).sort()).toEqual(['env=test', 'team=core']);
  });

  it('skips an object with the same content and headers, and says why it did not', async () => {
    const tc = context();
    const name = await bucket();
    write(tc.baseDir, { 'app.zip': 'zip bytes' });
    const params = { bucket: name, file: 'app.zip', prefix: 'builds', tags: { a: '1' } };
    await run(upload, params, tc);

    tc.reset();
    const again = await run(upload, params, tc);
    expect(again).toMatchObject({ changed: false, outputs: { key: 'builds/app.zip', uploaded: 0, skipped: 1 } });
    expect(tc.messages('skip')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^s3://${name}/builds/app\\.zip unchanged \\(ETag "[0-9a-f]{32}" matches the local file, headers match\\)$`,
        ),
      ),
    ]);
    expect(tc.calls).not.toContain('PutObjectCommand');

    tc.reset();
    await run(upload, { ...params, cacheControl: 'no-cache' }, tc);
    expect(tc.messages('change')).toEqual([
      `uploaded s3://${name}/builds/app.zip (9 bytes): Cache-Control differs: none -> no-cache`,
    ]);
    tc.reset();
    await run(upload, { ...params, cacheControl: 'no-cache', tags: { a: '2' } }, tc);
    expect(tc.messages('change')[0]).toMatch(/: tags differ$/);

    tc.reset();
    write(tc.baseDir, { 'app.zip': 'new zip bytes' });
    await run(upload, { ...params, cacheControl: 'no-cache', tags: { a: '2' } }, tc);
    expect(tc.messages('change')[0]).toMatch(/: content differs \(ETag "[0-9a-f]{32}" != local "[0-9a-f]{32}"\)$/);

    tc.reset();
    await run(upload, { ...params, cacheControl: 'no-cache', tags: { a: '2' }, skipUnchanged: false }, tc);
    expect(tc.calls).toContain('PutObjectCommand');
  });

  it('uploads a directory under a prefix, with content types, excludes and per-file skips', async () => {
    const tc = context();
    const name = await bucket();
    write(join(tc.baseDir, 'dist'), {
      'index.html': '<p>x</p>',
      'app.js': 'console.log(1)',
      'css/site.css': 'body{}',
      'data.unknownext': 'x',
      'app.js.map': '{}',
    });
    const params = { bucket: name, directory: 'dist', prefix: 'site/', exclude: ['**/*.map'] };
    const first = await run(upload, params, tc);
    const keys = ['site/app.js', 'site/css/site.css', 'site/data.unknownext', 'site/index.html'];
    expect(JSON.parse(String(first.outputs['keys']))).toEqual(keys);
    const types = await Promise.all(
      keys.map(async (Key) => (await t.s3().send(new HeadObjectCommand({ Bucket: name, Key }))).ContentType),
    );
    expect(types).toEqual(['text/javascript', 'text/css', 'application/octet-stream', 'text/html']);

    write(join(tc.baseDir, 'dist'), { 'app.js': 'console.log(2)' });
    tc.reset();
    const second = await run(upload, params, tc);
    expect(second.outputs).toMatchObject({ uploaded: 1, skipped: 3 });
    expect(tc.messages('change')).toEqual([
      expect.stringMatching(/^uploaded s3:\/\/.*\/site\/app\.js .*content differs/),
    ]);
    expect(second.summary).toBe(`1 uploaded, 3 unchanged to s3://${name}/site/`);
  });

  it('uploads files matching globs, relative to the directory', async () => {
    const tc = context();
    const name = await bucket();
    write(join(tc.baseDir, 'out'), { 'a.zip': 'a', 'b.zip': 'b', 'c.txt': 'c', 'nested/d.zip': 'd' });
    const result = await run(upload, { bucket: name, directory: 'out', files: ['*.zip'] }, tc);
    expect(JSON.parse(String(result.outputs['keys']))).toEqual(['a.zip', 'b.zip']);
    await expect(run(upload, { bucket: name, directory: 'out', files: ['*.none'] }, tc)).rejects.toThrow(
      /No file to upload/,
    );
  });

  it('uploads a file above 8 MB in parts, and skips it by its multipart ETag afterwards', async () => {
    const tc = context();
    const name = await bucket();
    const content = randomBytes(9 * 1024 * 1024 + 123);
    write(tc.baseDir, { 'big.bin': content });
    const result = await run(upload, { bucket: name, file: 'big.bin' }, tc);
    expect(result.outputs['etag']).toMatch(/^"[0-9a-f]{32}-2"$/);
    expect(tc.calls).toEqual(
      expect.arrayContaining(['CreateMultipartUploadCommand', 'CompleteMultipartUploadCommand']),
    );
    expect(tc.messages('change')[0]).toMatch(/\(9437307 bytes, 2 parts\)/);
    const body = await (
      await t.s3().send(new GetObjectCommand({ Bucket: name, Key: 'big.bin' }))
    ).Body?.transformToByteArray();
    expect(Buffer.from(body ?? []).equals(content)).toBe(true);

    tc.reset();
    const again = await run(upload, { bucket: name, file: 'big.bin' }, tc);
    expect(again.changed).toBe(false);
    expect(tc.messages('skip')[0]).toMatch(/-2" matches the local file/);
  });

  it('reports a missing bucket as an AWS error with a hint, and rejects bad parameters', async () => {
    const tc = context();
    write(tc.baseDir, { 'f.txt': 'x' });
    const error = (await run(upload, { bucket: randomName('missing'), file: 'f.txt' }, tc).catch(
      (e) => e,
    )) as PipelineError;
    expect(error).toBeInstanceOf(PipelineError);
    expect(error.code).toBe('AwsError');
    expect(error.message).toMatch(/^NoSuchBucket: The specified bucket does not exist \(PutObject s3:\/\//);
    expect(error.hint).toMatch(/createBucket: true/);

    expect(() => upload.params.parse({ bucket: 'bucket', file: 'a', directory: 'b' })).toThrow(/one of `file`/);
    expect(() => upload.params.parse({ bucket: 'bucket', directory: 'b', key: 'k' })).toThrow(/use it with `file`/);
    expect(() => upload.params.parse({ bucket: 'bucket', file: 'a', Bucket: 'x' })).toThrow(/Bucket/);
  });

  it('plans: new, unchanged and changed objects', async () => {
    const tc = context();
    const name = await bucket();
    write(join(tc.baseDir, 'd'), { 'a.txt': 'a', 'b.txt': 'b' });
    await run(upload, { bucket: name, directory: 'd', files: ['a.txt'] }, tc);
    write(join(tc.baseDir, 'd'), { 'a.txt': 'changed' });
    await run(upload, { bucket: name, directory: 'd', files: ['b.txt'] }, tc);
    write(join(tc.baseDir, 'd'), { 'c.txt': 'c' });
    const planned = await plan(upload, { bucket: name, directory: 'd' }, tc);
    expect(planned.map((p) => [p.action, p.resource])).toEqual([
      ['update', `s3://${name}/a.txt`],
      ['none', `s3://${name}/b.txt`],
      ['create', `s3://${name}/c.txt`],
    ]);
    const missing = await plan(upload, { bucket: randomName('nobucket'), directory: 'd', files: ['a.txt'] }, tc);
    expect(missing[0]).toMatchObject({ action: 'create', details: ['new object'] });
  });
});
