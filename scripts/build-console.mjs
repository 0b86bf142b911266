/**
 * Builds the web console (console/, preact) into dist/console/web/: one JS and one CSS bundle with
 * content hashes in their names (served as immutable) and index.html naming them, with the marker
 * where the server puts the page's configuration. `npm run build` runs it; so do the console tests.
 *
 *   node scripts/build-console.mjs [--if-stale]
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_OUT_DIR = join(root, 'dist', 'console', 'web');

/** Builds the console; returns the files written (names relative to `outDir`) with their sizes. */
export async function buildConsole({ outDir: finalDir = DEFAULT_OUT_DIR } = {}) {
  // Built beside the target and swapped in, so a server reading the old build never sees half a new one.
  const outDir = `${finalDir}.tmp-${process.pid}`;
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const result = await build({
    entryPoints: [join(root, 'console', 'main.tsx')],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    entryNames: 'console-[hash]',
    assetNames: 'console-[hash]',
    outdir: outDir,
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const outputs = Object.keys(result.metafile.outputs).map((file) => basename(file));
  const script = outputs.find((name) => name.endsWith('.js'));
  const style = outputs.find((name) => name.endsWith('.css'));
  const template = readFileSync(join(root, 'console', 'index.html'), 'utf8');
  const html = template.replace('%SCRIPT%', `assets/${script}`).replace('%STYLE%', `assets/${style}`);
  writeFileSync(join(outDir, 'index.html'), html);
  const previous = `${finalDir}.old-${process.pid}`;
  try {
    if (existsSync(finalDir)) renameSync(finalDir, previous);
    renameSync(outDir, finalDir);
  } catch (error) {
    // Another build (a parallel test file) swapped its identical output in first.
    if (!existsSync(join(finalDir, 'index.html'))) throw error;
    rmSync(outDir, { recursive: true, force: true });
  }
  rmSync(previous, { recursive: true, force: true });
  return [...outputs, 'index.html'];
}

/** True when dist's build is older than a source file of the console (or missing). */
export function consoleBuildIsStale(outDir = DEFAULT_OUT_DIR) {
  const built = join(outDir, 'index.html');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  const sources = readdirSync(join(root, 'console'), { recursive: true, withFileTypes: true });
  return sources.some((entry) => entry.isFile() && statSync(join(entry.parentPath, entry.name)).mtimeMs > builtAt);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--if-stale') && !consoleBuildIsStale()) process.exit(0);
  const files = await buildConsole();
  process.stdout.write(`console built: ${files.join(', ')}\n`);
}
