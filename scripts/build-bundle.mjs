/**
 * Bundles the `lambda-tasks` command into dist/bundle/ with esbuild: one entry file that holds the
 * command dispatch and the usage text, and a chunk per lazily imported part (each command, the
 * local cloud, the tasks and the AWS SDK clients they use). Loading a few large files instead of
 * ~550 small ones (each resolved, read and compiled on its own) is most of what brings
 * `lambda-tasks --help` and `lambda-tasks cloud` to Node's own start-up time. `npm run build` runs
 * it after tsc (which still writes dist/ for the library's types and `main`); the package's bin and
 * `npm run demo` run the bundle; tests run the sources.
 *
 *   node scripts/build-bundle.mjs
 *
 * Kept outside the bundle: native addons and packages that find files next to themselves
 * (better-sqlite3, cbor-x's optional cbor-extract), and what the code loads through
 * `createRequire` on purpose (the SDK clients only some commands need are required by name from
 * node_modules at first use, see src/aws/clients.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const BUNDLE_DIR = join(root, 'dist', 'bundle');
/** The bin's file (package.json "bin" points here). */
export const BUNDLE_ENTRY = join(BUNDLE_DIR, 'lambda-tasks.js');

/**
 * Modules find files relative to themselves (`new URL('../../../models/', import.meta.url)`,
 * runtimes/, the console's built page). In a bundle every module shares the chunk's
 * `import.meta.url`, so each source's `import.meta.url` becomes the URL its own compiled file
 * would have under dist/ (URL resolution is lexical: the file need not exist), and the paths the
 * sources compute stay what they are in dist/.
 */
const importMetaUrlPerSource = (/** @type {string} */ outDir) => ({
  name: 'import-meta-url-per-source',
  setup(build) {
    build.onLoad({ filter: /\/src\/.*\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const compiled = relative(outDir, join(root, 'dist', relative(join(root, 'src'), args.path)))
        .replace(/\\/g, '/')
        .replace(/\.ts$/, '.js');
      const url = `new URL(${JSON.stringify(compiled)}, import.meta.url).href`;
      return { contents: source.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
});

/**
 * Pass 2 keeps each chunk's requests for its sibling chunks as they are: they stay separate files.
 */
const siblingChunksExternal = {
  name: 'sibling-chunks-external',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => ({ path: args.path, external: true }));
  },
};

/**
 * In CommonJS a chunk learns its own URL from `__filename`; `import.meta.url` (what the sources,
 * rewritten above, resolve their files against) becomes this variable. The banner also makes each
 * chunk strict.
 */
const CHUNK_URL = {
  define: { 'import.meta.url': '__chunkUrl' },
  // "use strict" first: esbuild's own directive comes after the banner, where it is a mere string,
  // and the code was written (and is tested) as ES modules, which are strict.
  banner: { js: '"use strict";var __chunkUrl=require("node:url").pathToFileURL(__filename).href;' },
  // Any other `import.meta` property would be empty in CommonJS: fail the build instead.
  logOverride: { 'empty-import-meta': 'error' },
};

/** The command dispatch: the first chunk the bin loads. */
const MAIN_SOURCE = join(root, 'src', 'cli', 'main.ts');

/** What every pass shares. */
const COMMON = {
  absWorkingDir: root,
  platform: 'node',
  target: 'node20',
  // Whitespace and syntax only: names stay as written so stack traces and error messages read
  // the same as from the sources, and the source maps map them back to the lines.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
};

/**
 * The code cache's key of each chunk (src/cli/code-cache.ts): a hash of the chunk's final content.
 * The names' hashes are the first pass's; the second pass changes the content they name.
 * @param {string} outDir
 * @param {string[]} chunks output paths relative to the root
 */
export function writeCodeCacheKeys(outDir, chunks) {
  const keys = Object.fromEntries(
    chunks.map((file) => [
      basename(file),
      createHash('sha256')
        .update(readFileSync(join(root, file)))
        .digest('hex')
        .slice(0, 32),
    ]),
  );
  writeFileSync(join(outDir, 'code-cache-keys.json'), `${JSON.stringify(keys, null, 1)}\n`);
}

/**
 * Builds the bundle; returns the files written with their sizes in bytes.
 *
 * Three passes, because esbuild splits code into shared chunks only in ES module format, while
 * CommonJS is what starts fast: Node's ES module loader (resolving, linking and evaluating each
 * chunk asynchronously) cost ~20 ms of every `validate`, ~8 ms of `--help`, and a CommonJS chunk
 * can be loaded from V8's code cache (src/cli/code-cache.ts), which an ES module cannot on Node 20.
 * 1. the CLI, bundled and split into ES module chunks (lazily imported parts stay apart);
 * 2. each chunk turned into CommonJS on its own: its imports of sibling chunks become `require`
 *    calls (dynamic `import()` too), and its source map is mapped through the first pass's, so
 *    the maps still point at src/;
 * 3. the bin (src/cli/bin.ts), which loads the main chunk through the code cache.
 */
export async function buildBundle({ outDir: finalDir = BUNDLE_DIR, external = [] } = {}) {
  // Built beside the target (same depth, so the rewritten relative URLs hold) and swapped in: a
  // command started meanwhile never sees half a bundle.
  const outDir = `${finalDir}.tmp-${process.pid}`;
  const splitDir = `${finalDir}.split-${process.pid}`;
  rmSync(outDir, { recursive: true, force: true });
  rmSync(splitDir, { recursive: true, force: true });
  const written = [];
  try {
    const split = await build({
      ...COMMON,
      entryPoints: { main: MAIN_SOURCE },
      outdir: splitDir,
      bundle: true,
      splitting: true,
      format: 'esm',
      // A hash of its content in every file's name: the code cache's key (V8 checks a cache only
      // against the length of the source it was made from).
      entryNames: '[name]-[hash]',
      chunkNames: '[name]-[hash]',
      external: ['better-sqlite3', 'cbor-extract', ...external],
      plugins: [importMetaUrlPerSource(splitDir)],
    });
    const chunks = Object.keys(split.metafile.outputs).filter((file) => file.endsWith('.js'));
    const converted = await build({
      ...COMMON,
      ...CHUNK_URL,
      entryPoints: chunks.map((file) => join(root, file)),
      outdir: outDir,
      bundle: true,
      format: 'cjs',
      packages: 'external',
      // `import()` of a sibling chunk becomes a `require` inside a resolved promise.
      supported: { 'dynamic-import': false },
      plugins: [siblingChunksExternal],
    });
    const main = chunks.find((file) => split.metafile.outputs[file]?.entryPoint === relative(root, MAIN_SOURCE));
    if (main === undefined) throw new Error('the first pass wrote no entry chunk');
    const bin = await build({
      ...COMMON,
      ...CHUNK_URL,
      entryPoints: [join(root, 'src', 'cli', 'bin.ts')],
      outfile: join(outDir, 'lambda-tasks.js'),
      bundle: true,
      format: 'cjs',
      define: { ...CHUNK_URL.define, LAMBDA_TASKS_MAIN_CHUNK: JSON.stringify(`./${basename(main)}`) },
    });
    // The package is "type": "module"; these files are CommonJS.
    writeFileSync(join(outDir, 'package.json'), '{ "type": "commonjs" }\n');
    writeCodeCacheKeys(
      outDir,
      Object.keys(converted.metafile.outputs).filter((file) => file.endsWith('.js')),
    );
    for (const result of [converted, bin]) {
      for (const [file, output] of Object.entries(result.metafile.outputs)) {
        written.push({ file: relative(root, join(finalDir, relative(outDir, join(root, file)))), bytes: output.bytes });
      }
    }
  } catch (error) {
    rmSync(outDir, { recursive: true, force: true });
    throw error;
  } finally {
    rmSync(splitDir, { recursive: true, force: true });
  }
  const previous = `${finalDir}.old-${process.pid}`;
  if (existsSync(finalDir)) renameSync(finalDir, previous);
  renameSync(outDir, finalDir);
  rmSync(previous, { recursive: true, force: true });
  return written;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = await buildBundle();
  const js = files.filter((f) => f.file.endsWith('.js'));
  const total = js.reduce((sum, f) => sum + f.bytes, 0);
  process.stdout.write(
    `bundle: ${js.length} files, ${(total / 1024).toFixed(0)} KiB of JavaScript in ${relative(root, BUNDLE_DIR)}/\n`,
  );
}
