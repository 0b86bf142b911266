/**
 * The bundled bin's chunk loader (src/cli/code-cache.ts), on small CommonJS chunks of its own: each
 * case is a fresh Node process (the cache is written at exit and read by the next start), with its
 * own temporary directory as TMPDIR, where the cache lives.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pruneCodeCache } from '../../src/cli/code-cache.js';

const LOADER = fileURLToPath(new URL('../../dist/cli/code-cache.js', import.meta.url));

let work: string;
let chunks: string;
let temp: string;

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'lambda-tasks-code-cache-test-'));
  chunks = join(work, 'chunks');
  temp = join(work, 'tmp');
  mkdirSync(chunks);
  mkdirSync(temp);
  // As in dist/bundle: the chunks are CommonJS files beside a package.json that says so.
  writeFileSync(join(chunks, 'package.json'), '{ "type": "commonjs" }\n');
  writeFileSync(
    join(chunks, 'main-AAAA.js'),
    [
      '#!/usr/bin/env node',
      'const shared = require("./shared-BBBB.js");',
      'const again = require("./shared-BBBB.js");',
      'const { basename } = require("node:path");',
      'shared.count();',
      'process.stdout.write(JSON.stringify({ same: shared === again, evaluated: shared.evaluated(),',
      '  file: basename(__filename), dir: basename(__dirname), answer: shared.answer(20) }));',
    ].join('\n'),
  );
  writeFileSync(join(chunks, 'shared-BBBB.js'), sharedChunk('n + 22'));
  writeKeys({ 'main-AAAA.js': 'main1', 'shared-BBBB.js': 'shared1' });
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

/** What scripts/build-bundle.mjs writes: each chunk's content hash (any name for the content, here). */
function writeKeys(keys: Record<string, string>): void {
  writeFileSync(join(chunks, 'code-cache-keys.json'), JSON.stringify(keys));
}

function sharedChunk(body: string): string {
  return [
    'let evaluations = (globalThis.__evaluations ?? 0) + 1;',
    'globalThis.__evaluations = evaluations;',
    'exports.count = () => evaluations;',
    'exports.evaluated = () => globalThis.__evaluations;',
    `exports.answer = (n) => ${body};`,
  ].join('\n');
}

/**
 * Runs the loader on `dir`/main-AAAA.js in a fresh process. The directory is an argument, not part
 * of the script: the script is among Node's options, and each set of options has its own cache.
 */
function run(env: NodeJS.ProcessEnv = {}, nodeArgs: string[] = [], dir = chunks) {
  const script = `import { requireBundleChunk } from ${JSON.stringify(LOADER)}; requireBundleChunk(process.argv[1], './main-AAAA.js');`;
  const result = spawnSync(process.execPath, [...nodeArgs, '--input-type=module', '-e', script, dir], {
    encoding: 'utf8',
    env: { ...process.env, TMPDIR: temp, NODE_DISABLE_COMPILE_CACHE: '', NODE_OPTIONS: '', ...env },
    timeout: 20_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The cache files (`<V8 directory>/<file>` -> inode). */
function cacheFiles(): Map<string, number> {
  const files = new Map<string, number>();
  const root = join(temp, `lambda-tasks-code-cache-${process.getuid?.() ?? 'user'}`);
  let versions: string[] = [];
  try {
    versions = readdirSync(root);
  } catch {
    return files;
  }
  for (const version of versions) {
    for (const file of readdirSync(join(root, version))) {
      files.set(`${version}/${file}`, statSync(join(root, version, file)).ino);
    }
  }
  return files;
}

/** A cache file's name without the hash of the chunks' directory. */
const withoutDirTag = (name: string) => name.replace(/\.[0-9a-f]{8}$/, '');

/** The cache files' names, without their directories. */
const cacheNames = () => [...cacheFiles().keys()].map((path) => path.split('/')[1] as string).sort();

const expected = { same: true, evaluated: 1, file: 'main-AAAA.js', dir: 'chunks', answer: 42 };

describe('the bundle chunk loader', () => {
  it('runs chunks as CommonJS, each once, and writes their code cache at exit', () => {
    const first = run();
    expect(first.stderr).toBe('');
    expect(JSON.parse(first.stdout)).toEqual(expected);
    expect(cacheNames()).toEqual([
      expect.stringMatching(/^main-AAAA\.js\.main1\.[0-9a-f]{8}$/),
      expect.stringMatching(/^shared-BBBB\.js\.shared1\.[0-9a-f]{8}$/),
    ]);
  });

  it('reads the cache on the next start and writes nothing', () => {
    run();
    const written = cacheFiles();
    const second = run();
    expect(JSON.parse(second.stdout)).toEqual(expected);
    // Same files, same inodes: nothing was rejected and rewritten.
    expect(cacheFiles()).toEqual(written);
  });

  it('replaces a cache V8 rejects and still runs the chunk', () => {
    run();
    const root = join(temp, `lambda-tasks-code-cache-${process.getuid?.() ?? 'user'}`);
    const [version] = readdirSync(root);
    const dir = join(root, version as string);
    const shared = readdirSync(dir).find((file) => file.startsWith('shared-BBBB.js.shared1.')) as string;
    writeFileSync(join(dir, shared), Buffer.from('not a code cache'));
    const before = statSync(join(dir, shared)).ino;
    const result = run();
    expect(JSON.parse(result.stdout)).toEqual(expected);
    expect(statSync(join(dir, shared)).ino).not.toBe(before);
    expect(statSync(join(dir, shared)).size).toBeGreaterThan(100);
  });

  it('replaces a cache damaged past its header, which V8 alone would run and crash on', () => {
    run();
    const root = join(temp, `lambda-tasks-code-cache-${process.getuid?.() ?? 'user'}`);
    const [version] = readdirSync(root);
    const dir = join(root, version as string);
    for (const file of readdirSync(dir)) {
      const bytes = readFileSync(join(dir, file));
      const middle = Math.floor(bytes.length / 2);
      const damaged = bytes.map((byte, i) => (i >= middle && i < middle + 64 ? byte ^ 0x5a : byte));
      writeFileSync(join(dir, file), damaged);
    }
    const before = cacheFiles();
    const result = run();
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(expected);
    for (const [file, inode] of cacheFiles()) expect(inode).not.toBe(before.get(file));
    expect(JSON.parse(run().stdout)).toEqual(expected);
  });

  it('runs a chunk edited in place at the same length, not its cache', () => {
    run();
    // The build's key is unchanged (as after a hand patch in node_modules); the file is not.
    writeFileSync(join(chunks, 'shared-BBBB.js'), sharedChunk('n * 10'));
    expect(JSON.parse(run().stdout)).toMatchObject({ answer: 200 });
  });

  it('leaves requests other than sibling chunks to Node', () => {
    writeFileSync(join(chunks, 'data.json'), '{ "from": "json" }');
    mkdirSync(join(chunks, 'nested'));
    writeFileSync(join(chunks, 'nested', 'inner.js'), 'exports.nested = true;');
    writeFileSync(
      join(chunks, 'main-AAAA.js'),
      'process.stdout.write(JSON.stringify({ ...require("./data.json"), ...require("./nested/inner.js") }));',
    );
    expect(JSON.parse(run().stdout)).toEqual({ from: 'json', nested: true });
  });

  it('runs a changed chunk, not the cache of the old one, though both have the same length', () => {
    run();
    // Same length as 'n + 22': V8 alone would take the old cache for this source.
    writeFileSync(join(chunks, 'shared-BBBB.js'), sharedChunk('n * 10'));
    writeKeys({ 'main-AAAA.js': 'main1', 'shared-BBBB.js': 'shared2' });
    expect(JSON.parse(run().stdout)).toMatchObject({ answer: 200 });
    expect(cacheNames().map(withoutDirTag)).toEqual([
      'main-AAAA.js.main1',
      'shared-BBBB.js.shared1',
      'shared-BBBB.js.shared2',
    ]);
  });

  it('runs a chunk the build gave no key without a cache, and the rest from theirs', () => {
    writeKeys({ 'main-AAAA.js': 'main1' });
    expect(JSON.parse(run().stdout)).toEqual(expected);
    expect(JSON.parse(run().stdout)).toEqual(expected);
    expect(cacheNames().map(withoutDirTag)).toEqual(['main-AAAA.js.main1']);
  });

  it('loads through Node alone when there are no keys', () => {
    rmSync(join(chunks, 'code-cache-keys.json'));
    expect(JSON.parse(run().stdout)).toEqual(expected);
    expect(cacheFiles().size).toBe(0);
  });

  it('keeps no cache with NODE_DISABLE_COMPILE_CACHE, or with source maps on', () => {
    expect(JSON.parse(run({ NODE_DISABLE_COMPILE_CACHE: '1' }).stdout)).toEqual(expected);
    expect(JSON.parse(run({}, ['--enable-source-maps']).stdout)).toEqual(expected);
    expect(cacheFiles().size).toBe(0);
  });

  it('uses no cache directory that is a symlink, even to a directory of its own', () => {
    const elsewhere = join(work, 'elsewhere');
    mkdirSync(elsewhere, { mode: 0o700 });
    symlinkSync(elsewhere, join(temp, `lambda-tasks-code-cache-${process.getuid?.() ?? 'user'}`));
    expect(JSON.parse(run().stdout)).toEqual(expected);
    expect(readdirSync(elsewhere).flatMap((dir) => readdirSync(join(elsewhere, dir)))).toEqual([]);
  });

  it('uses no cache directory that others may write to', () => {
    const root = join(temp, `lambda-tasks-code-cache-${process.getuid?.() ?? 'user'}`);
    mkdirSync(root);
    chmodSync(root, 0o777);
    expect(JSON.parse(run().stdout)).toEqual(expected);
    expect(cacheFiles().size).toBe(0);
  });

  it('reports an error thrown while a chunk loads with the chunk and line, and loads it afresh', () => {
    writeFileSync(
      join(chunks, 'shared-BBBB.js'),
      [
        'globalThis.__tries = (globalThis.__tries ?? 0) + 1;',
        'if (globalThis.__tries === 1) throw new Error("first load fails");',
        'exports.ok = true;',
      ].join('\n'),
    );
    writeFileSync(
      join(chunks, 'main-AAAA.js'),
      [
        'let failure;',
        'try { require("./shared-BBBB.js"); } catch (error) { failure = error.stack.split("\\n").slice(0, 2).join(" | "); }',
        'process.stdout.write(JSON.stringify({ failure, retry: require("./shared-BBBB.js").ok }));',
      ].join('\n'),
    );
    const result = JSON.parse(run().stdout) as { failure: string; retry: boolean };
    expect(result.failure).toMatch(/^Error: first load fails \| +at .*shared-BBBB\.js:2:/);
    expect(result.retry).toBe(true);
  });

  it('names the right file in stack traces when the same chunks sit in two directories', () => {
    // A function's frame: V8 compiles it lazily, and its code comes from the cache.
    writeFileSync(
      join(chunks, 'main-AAAA.js'),
      'function where() { return new Error("where").stack.split("\\n")[1]; }\nprocess.stdout.write(where());',
    );
    const copy = join(work, 'copy');
    cpSync(chunks, copy, { recursive: true });
    const here = run().stdout;
    const there = run({}, [], copy).stdout;
    expect(here).toContain(join(chunks, 'main-AAAA.js'));
    expect(there).toContain(join(copy, 'main-AAAA.js'));
  });

  it('keeps a cache per set of Node options, so alternating options reads both', () => {
    const options = ['--max-old-space-size=300'];
    run();
    run({}, options);
    const written = cacheFiles();
    expect(written.size).toBe(4);
    expect(JSON.parse(run().stdout)).toEqual(expected);
    expect(JSON.parse(run({}, options).stdout)).toEqual(expected);
    expect(JSON.parse(run({ NODE_OPTIONS: '--max-old-space-size=300' }).stdout)).toEqual(expected);
    expect(cacheFiles().size).toBe(6);
    expect(new Map([...cacheFiles()].filter(([file]) => written.has(file)))).toEqual(written);
  });

  it('prunes the oldest cache files past its limit, across Node versions', () => {
    const root = join(work, 'cache');
    for (const [index, name] of ['v1/oldest', 'v2/older', 'v1/newer', 'v2/newest'].entries()) {
      mkdirSync(join(root, dirname(name)), { recursive: true });
      writeFileSync(join(root, name), Buffer.alloc(1000));
      const time = new Date(Date.UTC(2026, 0, 1 + index));
      utimesSync(join(root, name), time, time);
    }
    const left = () => ['v1', 'v2'].flatMap((dir) => readdirSync(join(root, dir)).map((file) => `${dir}/${file}`));
    pruneCodeCache(root, 2500);
    expect(left().sort()).toEqual(['v1/newer', 'v2/newest']);
    pruneCodeCache(root, 2500);
    expect(left().sort()).toEqual(['v1/newer', 'v2/newest']);
  });
});
