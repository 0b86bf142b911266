import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { PipelineError } from '../../../src/pipeline/errors.js';
import { s3ObjectTask } from '../../../src/tasks/s3-object/index.js';
import type { ActionDefinition } from '../../../src/tasks/task.js';
import { randomName, useCloud } from '../../helpers/cloud.js';
import { outputValue, plan, run, useTaskContexts } from '../support.js';

const t = useCloud();
const context = useTaskContexts(t);
const action = (name: string) => s3ObjectTask.actions[name] as ActionDefinition<unknown>;

async function bucketWith(objects: Record<string, string>, metadata: Record<string, string> = {}): Promise<string> {
  const name = randomName('bucket');
  const s3 = t.s3();
  await s3.send(new CreateBucketCommand({ Bucket: name }));
  for (const [Key, Body] of Object.entries(objects)) {
    await s3.send(new PutObjectCommand({ Bucket: name, Key, Body, ContentType: 'text/plain', Metadata: metadata }));
  }
  return name;
}

async function keysOf(bucket: string): Promise<string[]> {
  const out = await t.s3().send(new ListObjectsV2Command({ Bucket: bucket }));
  return (out.Contents ?? []).map((o) => o.Key ?? '');
}

describe('s3-object: download', () => {
  it('downloads a key to a file, and skips it when the file already holds the content', async () => {
    const tc = context();
    const bucket = await bucketWith({ 'builds/app.zip': 'zip bytes' });
    const params = { bucket, key: 'builds/app.zip', file: 'out/app.zip' };
    const result = await run(action('download'), params, tc);
    expect(readFileSync(join(tc.baseDir, 'out/app.zip'), 'utf8')).toBe('zip bytes');
    expect(result).toMatchObject({
      changed: true,
      outputs: { file: join(tc.baseDir, 'out/app.zip'), size: 9, downloaded: 1, key: 'builds/app.zip' },
    });
    tc.reset();
    const again = await run(action('download'), params, tc);
    expect(again.changed).toBe(false);
    expect(tc.messages('skip')[0]).toMatch(/already holds s3:\/\/.*\/builds\/app\.zip \(ETag "[0-9a-f]+" matches\)/);
    expect(tc.calls).not.toContain('GetObjectCommand');
  });

  it('downloads every key under a prefix below a directory; a missing key fails with NotFound', async () => {
    const tc = context();
    const bucket = await bucketWith({ 'p/a.txt': 'a', 'p/sub/b.txt': 'b', 'other.txt': 'o' });
    const result = await run(action('download'), { bucket, prefix: 'p/', directory: 'got' }, tc);
    expect(JSON.parse(String(result.outputs['files']))).toEqual([
      join(tc.baseDir, 'got/a.txt'),
      join(tc.baseDir, 'got/sub/b.txt'),
    ]);
    expect(readFileSync(join(tc.baseDir, 'got/sub/b.txt'), 'utf8')).toBe('b');
    const error = (await run(action('download'), { bucket, key: 'nope' }, tc).catch((e) => e)) as PipelineError;
    expect([error.code, error.message]).toEqual(['AwsError', `NotFound (HeadObject s3://${bucket}/nope)`]);
    expect(error.hint).toMatch(/check the bucket and key/);
  });
});

describe('s3-object: copy', () => {
  it('copies an object, skips an identical copy, and replaces metadata and tags when asked', async () => {
    const tc = context();
    const source = await bucketWith({ 'a.txt': 'content' }, { origin: 'src' });
    const target = await bucketWith({});
    const params = { sourceBucket: source, sourceKey: 'a.txt', bucket: target, key: 'copied/a.txt' };
    const result = await run(action('copy'), params, tc);
    expect(result).toMatchObject({ changed: true, outputs: { bucket: target, key: 'copied/a.txt' } });
    expect(tc.messages('change')).toEqual([`copied s3://${source}/a.txt to s3://${target}/copied/a.txt`]);
    const head = await t.s3().send(new HeadObjectCommand({ Bucket: target, Key: 'copied/a.txt' }));
    expect(head.Metadata).toEqual({ origin: 'src' });

    tc.reset();
    expect((await run(action('copy'), params, tc)).changed).toBe(false);
    expect(tc.messages('skip')[0]).toMatch(/already holds .* \(ETag "[0-9a-f]+" and headers match\)/);

    tc.reset();
    await run(
      action('copy'),
      { ...params, metadataDirective: 'REPLACE', metadata: { origin: 'copy' }, tags: { kind: 'copy' } },
      tc,
    );
    const replaced = await t.s3().send(new HeadObjectCommand({ Bucket: target, Key: 'copied/a.txt' }));
    expect(replaced).toMatchObject({ Metadata: { origin: 'copy' }, ContentType: 'text/plain' });
    const tags = await t.s3().send(new GetObjectTaggingCommand({ Bucket: target, Key: 'copied/a.txt' }));
    expect(tags.TagSet).toEqual([{ Key: 'kind', Value: 'copy' }]);
    expect(() => action('copy').params.parse({ ...params, metadata: { a: 'b' } })).toThrow(
      /metadataDirective: REPLACE/,
    );
  });
});

describe('s3-object: delete', () => {
  it('deletes a key; a missing key fails unless doNotFailIfNotExists', async () => {
    const tc = context();
    const bucket = await bucketWith({ 'a.txt': 'a', 'b.txt': 'b' });
    const result = await run(action('delete'), { bucket, key: 'a.txt' }, tc);
    expect(result).toMatchObject({ changed: true, outputs: { keys: '["a.txt"]', count: 1 } });
    expect(await keysOf(bucket)).toEqual(['b.txt']);

    const error = (await run(action('delete'), { bucket, key: 'a.txt' }, tc).catch((e) => e)) as PipelineError;
    expect(error).toBeInstanceOf(PipelineError);
    expect(error.message).toBe(`Nothing to delete at s3://${bucket}/a.txt: no such object.`);
    expect(error.hint).toMatch(/doNotFailIfNotExists: true/);

    tc.reset();
    const skipped = await run(action('delete'), { bucket, key: 'a.txt', doNotFailIfNotExists: true }, tc);
    expect(skipped).toMatchObject({ changed: false, outputs: { count: 0 } });
    expect(tc.messages('skip')).toEqual([`s3://${bucket}/a.txt does not exist (doNotFailIfNotExists)`]);
  });

  it('deletes a list of keys and everything under a prefix, and plans it', async () => {
    const tc = context();
    const bucket = await bucketWith({ 'x/1': '1', 'x/2': '2', 'x/3/4': '4', 'y/1': '1', 'z/1': '1' });
    const planned = await plan(action('delete'), { bucket, prefix: 'x/' }, tc);
    expect(planned.map((p) => `${p.action} ${p.resource}`)).toEqual([
      `delete s3://${bucket}/x/1`,
      `delete s3://${bucket}/x/2`,
      `delete s3://${bucket}/x/3/4`,
    ]);
    const result = await run(action('delete'), { bucket, prefix: 'x/' }, tc);
    expect(result.outputs['count']).toBe(3);
    expect(await keysOf(bucket)).toEqual(['y/1', 'z/1']);
    await run(action('delete'), { bucket, keys: ['y/1', 'z/1'] }, tc);
    expect(await keysOf(bucket)).toEqual([]);
    await expect(run(action('delete'), { bucket, prefix: 'x/' }, tc)).rejects.toThrow(/Nothing to delete at .*x\/\*/);
    expect(() => action('delete').params.parse({ bucket, key: 'a', prefix: 'b' })).toThrow(/one of `key`/);
  });
});

describe('s3-object: presign', () => {
  it('presigns a GET that fetch() can use; the URL output is secret', async () => {
    const tc = context();
    const bucket = await bucketWith({ 'report.txt': 'the report' });
    const result = await run(action('presign'), { bucket, key: 'report.txt', expiresIn: 300 }, tc);
    const url = result.outputs['url'];
    expect(url).toEqual({ value: expect.stringContaining('X-Amz-Signature='), secret: true });
    expect(tc.secrets).toEqual([outputValue(url)]);
    const response = await fetch(String(outputValue(url)));
    expect([response.status, await response.text()]).toEqual([200, 'the report']);
    expect(String(outputValue(url))).toContain('X-Amz-Expires=300');
  });

  it('presigns a PUT that fetch() can upload with', async () => {
    const tc = context();
    const bucket = await bucketWith({});
    const result = await run(
      action('presign'),
      { bucket, key: 'upload.json', method: 'PUT', contentType: 'application/json' },
      tc,
    );
    const response = await fetch(String(outputValue(result.outputs['url'])), {
      method: 'PUT',
      body: '{"ok":true}',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(200);
    const object = await t.s3().send(new GetObjectCommand({ Bucket: bucket, Key: 'upload.json' }));
    expect([object.ContentType, await object.Body?.transformToString()]).toEqual(['application/json', '{"ok":true}']);
    expect(() => action('presign').params.parse({ bucket, key: 'k', expiresIn: 604_801 })).toThrow();
  });
});
