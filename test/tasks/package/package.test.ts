import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PipelineError } from '../../../src/pipeline/errors.js';
import { packageTask } from '../../../src/tasks/package/index.js';
import { plan, readZip, run, type TaskContext, useTaskContexts } from '../support.js';

const context = useTaskContexts();
const zip = packageTask.actions['zip'] as NonNullable<(typeof packageTask.actions)['zip']>;

/** Writes files (path -> content) under `root`, in the given order. */
function write(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

async function build(tc: TaskContext, params: Record<string, unknown>) {
  const result = await run(zip, params, tc);
  const file = String(result.outputs['file']);
  return { result, file, bytes: readFileSync(file) };
}

describe('package: zip', () => {
  it('is reproducible: same bytes and sha256 whatever the mtimes, creation order and time zone', async () => {
    const a = context({ stepId: 'pkg' });
    write(join(a.baseDir, 'src'), {
      'index.js': 'exports.handler = async () => 1;\n',
      'lib/util.js': 'module.exports = 2;\n',
      'bin/tool': '#!/bin/sh\necho hi\n',
      'B.txt': 'upper',
      'a.txt': 'lower',
    });
    chmodSync(join(a.baseDir, 'src/bin/tool'), 0o700);
    chmodSync(join(a.baseDir, 'src/a.txt'), 0o600);
    const first = await build(a, { source: 'src' });

    // The same files written in another order, with other timestamps and permissions' other bits.
    const b = context({ stepId: 'pkg' });
    write(join(b.baseDir, 'src'), {
      'a.txt': 'lower',
      'bin/tool': '#!/bin/sh\necho hi\n',
      'lib/util.js': 'module.exports = 2;\n',
      'B.txt': 'upper',
      'index.js': 'exports.handler = async () => 1;\n',
    });
    chmodSync(join(b.baseDir, 'src/bin/tool'), 0o775);
    utimesSync(join(b.baseDir, 'src/index.js'), new Date('2001-02-03'), new Date('2001-02-03'));
    const previousTz = process.env['TZ'];
    process.env['TZ'] = 'Asia/Tokyo';
    let second: Awaited<ReturnType<typeof build>>;
    try {
      second = await build(b, { source: 'src' });
    } finally {
      if (previousTz === undefined) delete process.env['TZ'];
      else process.env['TZ'] = previousTz;
    }

    expect(second.bytes.equals(first.bytes)).toBe(true);
    expect(second.result.outputs['sha256']).toBe(first.result.outputs['sha256']);
    expect(first.result.outputs['sha256']).toBe(createHash('sha256').update(first.bytes).digest('base64'));
    expect(first.result.outputs['sha256Hex']).toBe(createHash('sha256').update(first.bytes).digest('hex'));
    expect(first.result.outputs['size']).toBe(first.bytes.length);
    expect(first.file).toBe(join(a.baseDir, '.lambda-tasks/build/pkg.zip'));

    const entries = await readZip(first.bytes);
    expect(entries.map((e) => e.name)).toEqual(['B.txt', 'a.txt', 'bin/tool', 'index.js', 'lib/util.js']);
    expect(entries.map((e) => e.mode.toString(8))).toEqual(['100644', '100644', '100755', '100644', '100644']);
    // 1980-02-01 00:00 in DOS format, and no extended (UTC) timestamp field.
    for (const e of entries) expect([e.dosDate, e.dosTime, e.extraFields]).toEqual([(0 << 9) | (2 << 5) | 1, 0, 0]);
  });

  it('skips rewriting an unchanged package, and reports a changed one', async () => {
    const tc = context({ stepId: 'fn' });
    write(join(tc.baseDir, 'app'), { 'index.js': 'v1' });
    const first = await build(tc, { source: 'app', file: 'out/fn.zip' });
    expect(first.result.changed).toBe(true);
    expect(first.file).toBe(join(tc.baseDir, 'out/fn.zip'));
    expect(tc.messages('change')[0]).toMatch(/^wrote out\/fn\.zip \(1 files, .* sha256 /);

    tc.reset();
    utimesSync(join(tc.baseDir, 'app/index.js'), new Date('2010-01-01'), new Date('2010-01-01'));
    const again = await build(tc, { source: 'app', file: 'out/fn.zip' });
    expect(again.result.changed).toBe(false);
    expect(tc.messages('skip')[0]).toMatch(/package unchanged: out\/fn\.zip .* has the same sha256 as before/);

    write(join(tc.baseDir, 'app'), { 'index.js': 'v2' });
    const changed = await build(tc, { source: 'app', file: 'out/fn.zip' });
    expect(changed.result.changed).toBe(true);
    expect(changed.result.outputs['sha256']).not.toBe(first.result.outputs['sha256']);
  });

  it('honours .lambdaignore files with gitignore semantics, nested ones included', async () => {
    const tc = context();
    write(tc.baseDir, {
      '.lambdaignore': '# comments and blank lines are fine\n\n*.md\ntest/\n/secret.txt\nlogs/*.log\n!logs/keep.log\n',
      'index.js': 'x',
      'README.md': 'docs',
      'secret.txt': 'root only',
      'lib/secret.txt': 'kept: /secret.txt is anchored',
      'lib/notes.md': 'ignored anywhere',
      'test/index.test.js': 'pruned directory',
      'logs/a.log': 'ignored',
      'logs/keep.log': 're-included',
      'vendor/.lambdaignore': '*.map\n!important.md\n',
      'vendor/lib.js': 'x',
      'vendor/lib.js.map': 'ignored by the nested file',
      'vendor/important.md': 're-included by the nested file',
      '.git/HEAD': 'never packaged',
      '.env': 'dotfiles are packaged unless ignored',
    });
    const { bytes, file } = await build(tc, { source: '.' });
    const names = (await readZip(bytes)).map((e) => e.name);
    expect(names).toEqual([
      '.env',
      'index.js',
      'lib/secret.txt',
      'logs/keep.log',
      'vendor/important.md',
      'vendor/lib.js',
    ]);
    // The build output lies inside the source and is not packaged into itself on a rebuild.
    expect(file.startsWith(tc.baseDir)).toBe(true);
    const again = await build(tc, { source: '.' });
    expect((await readZip(again.bytes)).map((e) => e.name)).toEqual(names);
  });

  it('applies include and exclude globs; an excluded directory takes everything below it', async () => {
    const tc = context();
    write(join(tc.baseDir, 'fn'), {
      'index.js': 'x',
      'index.test.js': 'x',
      'lib/a.js': 'x',
      'lib/a.test.js': 'x',
      'lib/data.json': 'x',
      'node_modules/dep/index.js': 'x',
    });
    const { bytes } = await build(tc, {
      source: 'fn',
      include: ['**/*.js', '**/*.json'],
      exclude: ['**/*.test.js', 'node_modules'],
    });
    expect((await readZip(bytes)).map((e) => e.name)).toEqual(['index.js', 'lib/a.js', 'lib/data.json']);
  });

  it('follows symbolic links to files and directories, and refuses a loop', async () => {
    const tc = context();
    write(tc.baseDir, { 'shared/util.js': 'shared', 'fn/index.js': 'x' });
    symlinkSync(join(tc.baseDir, 'shared'), join(tc.baseDir, 'fn/shared'));
    symlinkSync(join(tc.baseDir, 'shared/util.js'), join(tc.baseDir, 'fn/util.js'));
    const entries = await readZip((await build(tc, { source: 'fn' })).bytes);
    expect(entries.map((e) => [e.name, e.content, e.mode.toString(8)])).toEqual([
      ['index.js', 'x', '100644'],
      ['shared/util.js', 'shared', '100644'],
      ['util.js', 'shared', '100644'],
    ]);

    symlinkSync(join(tc.baseDir, 'fn'), join(tc.baseDir, 'fn/loop'));
    const error = await run(zip, { source: 'fn' }, tc).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipelineError);
    expect((error as PipelineError).message).toMatch(/links back to its own parent directory/);
  });

  it('fails clearly on a missing source or when everything is filtered out', async () => {
    const tc = context();
    await expect(run(zip, { source: 'nope' }, tc)).rejects.toThrow(/is not a directory/);
    write(tc.baseDir, { 'fn/a.md': 'x' });
    await expect(run(zip, { source: 'fn', include: ['*.js'] }, tc)).rejects.toThrow(/Nothing to package/);
    expect(() => zip.params.parse({ source: 'fn', bogus: 1 })).toThrow(/bogus/);
  });

  it('plans: create, then nothing to do, then update', async () => {
    const tc = context({ stepId: 'p' });
    write(join(tc.baseDir, 'fn'), { 'index.js': 'v1' });
    expect((await plan(zip, { source: 'fn' }, tc))[0]).toMatchObject({
      action: 'create',
      resource: '.lambda-tasks/build/p.zip',
    });
    await run(zip, { source: 'fn' }, tc);
    expect((await plan(zip, { source: 'fn' }, tc))[0]?.action).toBe('none');
    write(join(tc.baseDir, 'fn'), { 'index.js': 'v2' });
    expect((await plan(zip, { source: 'fn' }, tc))[0]?.action).toBe('update');
  });
});
