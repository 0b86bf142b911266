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
 * The cache lives in `$TMPDIR/lambda-tasks-code-cache-<uid>/<V8 version>-<arch>[-<options>]/`, one
 * file per chunk. What may go wrong, and what stops it:
 * - V8 checks a cache only against the length of the source it was made from, so a chunk that
 *   changed but kept its length would run the old code. A cache file's name holds the hash of the
 *   chunk's content that the build wrote (`code-cache-keys.json` beside the chunks; a chunk without
 *   one runs uncached) and a hash of the chunk's directory, size and modification time (an edit in
 *   place, a patched install).
 * - V8 keeps the file name a cache was made under: a copy of the bundle elsewhere would name the
 *   first copy's files in its stack traces. The directory in the hash gives each copy its own.
 * - V8 does not check a cache's checksum (release builds skip it) and a damaged one can crash the
 *   process; each file starts with the CRC-32 of the rest, and a mismatch means no cache.
 * - V8 rejects a cache made under other flags: each set of Node options has its own directory, so
 *   commands run alternately with and without an option don't rewrite each other's caches.
 * - The cache is code V8 runs: a directory that is a symlink, belongs to another user or that others
 *   may write to is not used; files are written to a fresh temporary name and renamed into place.
 * Past `CODE_CACHE_MAX_BYTES` the oldest files go.
 *
 * `NODE_DISABLE_COMPILE_CACHE=1`, Node's own switch for its cache, turns this one off too; so do
 * source maps (`--enable-source-maps`: Node's `require` applies them) and coverage
 * (`NODE_V8_COVERAGE`, which wants every function compiled from source). Not on Windows, where the
 * directory's owner and permissions cannot be checked this way.
 */
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Script, constants as vmConstants } from 'node:vm';
import { crc32 } from 'node:zlib';

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
  if (env['NODE_DISABLE_COMPILE_CACHE'] || env['NODE_V8_COVERAGE'] || process.platform === 'win32') return undefined;
  const uid = process.getuid?.();
  const root = join(tmpdir(), `lambda-tasks-code-cache-${uid ?? 'user'}`);
  const dir = join(root, `${process.versions.v8}-${process.arch}${optionsTag(env)}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Not followed: a symlink planted in a shared /tmp could point elsewhere, and be repointed later.
    const stat = lstatSync(root);
    if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid) || (stat.mode & 0o022) !== 0) return undefined;
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
  /** Chunks compiled without a usable cache: their cache is written at exit. */
  private readonly uncached: { file: string; script: Script }[] = [];

  constructor(
    private readonly dir: string,
    private readonly cacheDir: string,
    private readonly keys: Record<string, string>,
  ) {}

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
    const cacheFile = this.cacheFileOf(filename);
    const cachedData = cacheFile === undefined ? undefined : readCache(cacheFile);
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

  /** See the top of this file for what the name holds; undefined for a chunk the build gave no key. */
  private cacheFileOf(filename: string): string | undefined {
    const key = this.keys[basename(filename)];
    if (key === undefined) return undefined;
    const stat = statSync(filename);
    const where = fnv1a(`${dirname(filename)}\0${stat.size}\0${stat.mtimeMs}`);
    return join(this.cacheDir, `${basename(filename)}.${key}.${where}`);
  }

  private requireFor(filename: string): ChunkRequire {
    const nodeRequire = createRequire(filename);
    const chunkRequire = ((id: string) =>
      isSiblingChunk(id) ? this.load(join(this.dir, id)) : nodeRequire(id)) as ChunkRequire;
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
      const temporary = `${file}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`;
      try {
        const data = script.createCachedData();
        const checksum = Buffer.alloc(4);
        checksum.writeUInt32BE(crc32(data));
        writeFileSync(temporary, Buffer.concat([checksum, data]), { mode: 0o600, flag: 'wx' });
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

/** A cache file's V8 data, or undefined when it is missing or its checksum does not match. */
function readCache(file: string): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  if (bytes.length < 4) return undefined;
  const data = bytes.subarray(4);
  return bytes.readUInt32BE(0) === crc32(data) ? data : undefined;
}

/** A request for another chunk of the bundle (`./name.js`); anything else is Node's to load. */
function isSiblingChunk(id: string): boolean {
  return id.startsWith('./') && id.endsWith('.js') && !id.includes('/', 2);
}

/** A chunk that starts with `#!` (the bin's entry) is valid for Node's loader, not inside a wrapper. */
function withoutHashbang(source: string): string {
  return source.startsWith('#!') ? `//${source.slice(2)}` : source;
}
