/**
 * Loads the bundled bin's chunks (dist/bundle/, CommonJS) with V8's code cache: the bytecode of
 * every function a chunk ran, kept on disk after the first run and handed back to V8 on the next,
 * so a start compiles almost nothing.
 *
 * Hand-written because neither ready-made cache keeps what matters here. Node's own compile cache
 * (`module.enableCompileCache()`, Node 22.1+) and the `v8-compile-cache` package both take V8's
 * cache right after compiling a file, which holds only the code V8 compiled eagerly (the top
 * level); the functions a command runs are compiled lazily, on their first call, and are missing.
 * Measured on `lambda-tasks validate` (2 cores, Node 20): Node 22's cache and v8-compile-cache
 * saved 0-3%; a cache taken at exit, as here, saved 10-15%. Node 20 has no built-in cache at all.
 *
 * Each chunk runs as Node would run a CommonJS file (the same wrapper and arguments); a request for
 * a sibling chunk (`./x.js`) comes back here, anything else goes to Node's `require`.
 *
 * The cache lives in `$TMPDIR/lambda-tasks-code-cache-<uid>/<V8 version>-<arch>[-<options>]/` (a
 * directory only its owner can write, else no cache), one file per chunk named by the chunk's name,
 * a hash of its content and a hash of its directory. The hashes come from the build (`code-cache-keys.json` beside the chunks), as
 * V8 checks a cache only against the length of the source it was made from: a chunk that changed
 * but kept its length would run the old code. A chunk the build gave no hash runs uncached. V8
 * rejects a cache made by another V8 or with other flags (each set of Node options has its own
 * directory); the chunk is then compiled and its cache written again. Past `CODE_CACHE_MAX_BYTES`
 * the oldest files go.
 *
 * `NODE_DISABLE_COMPILE_CACHE=1`, Node's own switch for its cache, turns this one off too. With
 * source maps on (`--enable-source-maps`) the chunks load through Node's `require`, which applies
 * the maps.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Script, constants as vmConstants } from 'node:vm';

/** The build's hashes of the chunks' contents (chunk file name -> hash), beside the chunks. */
export const CODE_CACHE_KEYS_FILE = 'code-cache-keys.json';

/** How large the cache may grow, all Node versions together (one bundle's whole cache is ~6 MiB). */
export const CODE_CACHE_MAX_BYTES = 64 * 1024 * 1024;

interface LoadedChunk {
  exports: unknown;
  readonly id: string;
  readonly filename: string;
  loaded: boolean;
}

/** What `require` a chunk gets: ours for sibling chunks, Node's for the rest. */
type ChunkRequire = NodeJS.Require;

/**
 * Requires `entry` (a file in `dir`) and, through it, the chunks it requires, from the code cache
 * where one is there. Returns the entry's exports.
 */
export function requireBundleChunk(dir: string, entry: string): unknown {
  const cacheDir = process.sourceMapsEnabled ? undefined : codeCacheDirectory();
  const keys = cacheDir === undefined ? undefined : readKeys(dir);
  if (cacheDir === undefined || keys === undefined) return createRequire(join(dir, entry))(join(dir, entry));
  const loader = new ChunkLoader(dir, cacheDir, keys);
  process.once('exit', () => loader.writeCaches());
  return loader.load(join(dir, entry));
}

/** The directory for this V8's caches, made if missing; undefined when the cache is off or unsafe. */
export function codeCacheDirectory(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env['NODE_DISABLE_COMPILE_CACHE']) return undefined;
  const uid = process.getuid?.();
  const root = join(tmpdir(), `lambda-tasks-code-cache-${uid ?? 'user'}`);
  const dir = join(root, `${process.versions.v8}-${process.arch}${optionsTag(env)}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // The cache is code V8 runs: a directory another user made, or may write to, is not used.
    const stat = statSync(root);
    if ((uid !== undefined && stat.uid !== uid) || (stat.mode & 0o022) !== 0) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

/**
 * V8 rejects a cache made under other V8 flags; Node's options (on the command line or in
 * NODE_OPTIONS) may set some, so each set of options keeps its own caches instead of two commands
 * run alternately with and without, say, `--max-old-space-size` rewriting each other's at every start.
 */
function optionsTag(env: NodeJS.ProcessEnv): string {
  const options = [...process.execArgv, env['NODE_OPTIONS'] ?? ''].join(' ').trim();
  return options === '' ? '' : `-${fnv1a(options)}`;
}

/** FNV-1a, 32 bits, in hex: a short stable name for a string, without loading node:crypto (~5 ms). */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}

function readKeys(dir: string): Record<string, string> | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, CODE_CACHE_KEYS_FILE), 'utf8')) as Record<string, string>;
  } catch {
    return undefined;
  }
}

/**
 * Deletes the oldest files under `root` (in each V8 version's directory) until the rest fit in
 * `maxBytes`: caches of bundles no longer installed, of chunks since rebuilt, or of a Node since
 * replaced are never read again.
 */
export function pruneCodeCache(root: string, maxBytes = CODE_CACHE_MAX_BYTES): void {
  const files: { path: string; bytes: number; mtimeMs: number }[] = [];
  for (const dir of readdirSync(root)) {
    let names: string[];
    try {
      names = readdirSync(join(root, dir));
    } catch {
      continue;
    }
    for (const name of names) {
      try {
        const stat = statSync(join(root, dir, name));
        files.push({ path: join(root, dir, name), bytes: stat.size, mtimeMs: stat.mtimeMs });
      } catch {
        // Removed meanwhile by another process's pruning.
      }
    }
  }
  let total = files.reduce((sum, file) => sum + file.bytes, 0);
  files.sort((a, b) => a.mtimeMs - b.mtimeMs);
  for (const file of files) {
    if (total <= maxBytes) break;
    rmSync(file.path, { force: true });
    total -= file.bytes;
  }
}

class ChunkLoader {
  private readonly chunks = new Map<string, LoadedChunk>();
  /**
   * V8 keeps the file name a cache was made under (stack traces would name another copy's files),
   * so each directory holding the bundle has caches of its own.
   */
  private readonly dirTag: string;
  /** Chunks compiled without a usable cache: their cache is written at exit. */
  private readonly uncached: { file: string; script: Script }[] = [];

  constructor(
    private readonly dir: string,
    private readonly cacheDir: string,
    private readonly keys: Record<string, string>,
  ) {
    this.dirTag = fnv1a(dir);
  }

  load(filename: string): unknown {
    const known = this.chunks.get(filename);
    if (known) return known.exports;
    const chunk: LoadedChunk = { exports: {}, id: filename, filename, loaded: false };
    this.chunks.set(filename, chunk);
    try {
      const compiled = this.compile(filename);
      compiled.call(chunk.exports, chunk.exports, this.requireFor(filename), chunk, filename, dirname(filename));
      chunk.loaded = true;
      return chunk.exports;
    } catch (error) {
      // As Node does: a chunk that failed to load is loaded afresh by the next require.
      this.chunks.delete(filename);
      throw error;
    }
  }

  private compile(filename: string): (...args: unknown[]) => void {
    const source = readFileSync(filename, 'utf8');
    const key = this.keys[basename(filename)];
    const cacheFile =
      key === undefined ? undefined : join(this.cacheDir, `${basename(filename)}.${key}.${this.dirTag}`);
    let cachedData: Buffer | undefined;
    try {
      cachedData = cacheFile === undefined ? undefined : readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
    const script = new Script(Module.wrap(withoutHashbang(source)), {
      filename,
      cachedData,
      // Lets an `import()` left in a chunk load as it would from a file Node loaded itself.
      importModuleDynamically: vmConstants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    if (cacheFile !== undefined && (cachedData === undefined || script.cachedDataRejected === true)) {
      this.uncached.push({ file: cacheFile, script });
    }
    return script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => void;
  }

  private requireFor(filename: string): ChunkRequire {
    const nodeRequire = createRequire(filename);
    const chunkRequire = ((id: string) =>
      id.startsWith('./') ? this.load(join(this.dir, id)) : nodeRequire(id)) as ChunkRequire;
    chunkRequire.resolve = nodeRequire.resolve;
    chunkRequire.cache = nodeRequire.cache;
    chunkRequire.extensions = nodeRequire.extensions;
    chunkRequire.main = nodeRequire.main;
    return chunkRequire;
  }

  /**
   * At exit, when the chunks have run: V8's cache now holds every function the command called.
   * Written through a temporary file, so a command starting meanwhile reads a whole cache or none;
   * a failure (read-only or full disk) leaves the next start to compile as this one did.
   */
  writeCaches(): void {
    const written = this.uncached.splice(0);
    for (const { file, script } of written) {
      const temporary = `${file}.${process.pid}.tmp`;
      try {
        writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
        renameSync(temporary, file);
      } catch {
        // The cache is an optimisation: without it the next start compiles.
        rmSync(temporary, { force: true });
      }
    }
    if (written.length === 0) return;
    try {
      pruneCodeCache(dirname(this.cacheDir));
    } catch {
      // As above: the cache is an optimisation.
    }
  }
}

/** A chunk that starts with `#!` (the bin's entry) is valid for Node's loader, not inside a wrapper. */
function withoutHashbang(source: string): string {
  return source.startsWith('#!') ? `//${source.slice(2)}` : source;
}
