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
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
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
 * Two of Node's built-in modules reach the bundle through `require()` instead of `import`.
 * Importing a built-in from ESM makes Node build a module facade that reads every export once,
 * lazy getters included: `node:http`'s load undici on Node 22+ (~35 ms at every start, for
 * `WebSocket` and friends the code never uses), `node:fs`'s load the stream classes. Through a
 * CommonJS shim esbuild reads each export where it is used. Only these two: for other built-ins
 * the shim's namespace copy costs more than the facade.
 */
const BUILTINS_THROUGH_REQUIRE = /^node:(http|fs)$/;
const builtinsThroughRequire = {
  name: 'builtins-through-require',
  setup(build) {
    build.onResolve({ filter: BUILTINS_THROUGH_REQUIRE }, (args) =>
      args.namespace === 'node-builtin'
        ? { path: args.path, external: true }
        : { path: args.path, namespace: 'node-builtin' },
    );
    build.onLoad({ filter: /.*/, namespace: 'node-builtin' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/** Builds the bundle; returns the files written with their sizes in bytes. */
export async function buildBundle({ outDir: finalDir = BUNDLE_DIR, external = [] } = {}) {
  // Built beside the target (same depth, so the rewritten relative URLs hold) and swapped in: a
  // command started meanwhile never sees half a bundle.
  const outDir = `${finalDir}.tmp-${process.pid}`;
  rmSync(outDir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: { 'lambda-tasks': join(root, 'src', 'cli', 'main.ts') },
    outdir: outDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Whitespace and syntax only: names stay as written so stack traces and error messages read
    // the same as from the sources, and the source maps map them back to the lines.
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: 'linked',
    // Chunks sit beside the entry: the import.meta.url rewrite below assumes every output is in outDir.
    chunkNames: '[name]-[hash]',
    external: ['better-sqlite3', 'cbor-extract', ...external],
    // CommonJS packages inside an ESM bundle call require() for Node's built-ins.
    banner: {
      js: "import { createRequire as __bundleCreateRequire } from 'node:module'; const require = __bundleCreateRequire(import.meta.url);",
    },
    plugins: [builtinsThroughRequire, importMetaUrlPerSource(outDir)],
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const previous = `${finalDir}.old-${process.pid}`;
  if (existsSync(finalDir)) renameSync(finalDir, previous);
  renameSync(outDir, finalDir);
  rmSync(previous, { recursive: true, force: true });
  return Object.entries(result.metafile.outputs).map(([file, output]) => ({
    file: relative(root, join(finalDir, relative(outDir, join(root, file)))),
    bytes: output.bytes,
  }));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = await buildBundle();
  const js = files.filter((f) => f.file.endsWith('.js'));
  const total = js.reduce((sum, f) => sum + f.bytes, 0);
  process.stdout.write(
    `bundle: ${js.length} files, ${(total / 1024).toFixed(0)} KiB of JavaScript in ${relative(root, BUNDLE_DIR)}/\n`,
  );
}
