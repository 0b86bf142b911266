/**
 * The files of a deployment package: every regular file under the source directory, minus what
 * `.lambdaignore` files (gitignore semantics, via the `ignore` package, nested files apply below
 * their directory and may re-include with `!`) and the `exclude` globs leave out, limited to the
 * `include` globs (picomatch, `dot: true`). Paths are relative and `/`-separated; the result is
 * sorted by code point, so it does not depend on the file system's order or the locale.
 *
 * Symbolic links are followed (the zip holds the target's content), so packages built from
 * pnpm-style `node_modules` work; a link back into its own ancestors is an error.
 */
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';
import { PipelineError } from '../../pipeline/errors.js';

export const IGNORE_FILE = '.lambdaignore';

/** Never packaged: version control, the tool's own state, and the ignore files themselves. */
const ALWAYS_EXCLUDED_DIRS = new Set(['.git', '.lambda-tasks']);

export interface SourceFile {
  /** Relative, `/`-separated: the entry's name in the zip. */
  path: string;
  absolute: string;
  executable: boolean;
  size: number;
}

export interface SelectOptions {
  /** Globs of files to package, relative to the source. @default ['**'] */
  include?: readonly string[];
  /** Globs of files (or directories, with everything below) to leave out. @default [] */
  exclude?: readonly string[];
  /** Absolute paths never to package (the zip being written, when it lies inside the source). */
  skip?: readonly string[];
}

interface IgnoreLayer {
  /** The directory of the `.lambdaignore`, relative to the source ('' for the source itself). */
  base: string;
  rules: Ignore;
}

export async function listSourceFiles(root: string, options: SelectOptions = {}): Promise<SourceFile[]> {
  const rootStat = await stat(root).catch(() => undefined);
  if (!rootStat?.isDirectory()) {
    throw new PipelineError('ActionFailed', `The source ${root} is not a directory.`, {
      hint: 'set `source` to the directory to package (relative to the pipeline file)',
    });
  }
  const include = picomatch(options.include?.length ? [...options.include] : ['**'], { dot: true });
  const exclude = options.exclude?.length ? picomatch([...options.exclude], { dot: true }) : () => false;
  const skip = new Set(options.skip ?? []);
  const files: SourceFile[] = [];

  async function walk(dir: string, rel: string, layers: IgnoreLayer[], ancestors: Set<string>): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true });
    const own = entries.find((e) => e.name === IGNORE_FILE && !e.isDirectory());
    const here = own
      ? [...layers, { base: rel, rules: ignore().add(await readFile(join(dir, IGNORE_FILE), 'utf8')) }]
      : layers;
    for (const entry of entries) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      const absolute = join(dir, entry.name);
      if (entry.name === IGNORE_FILE || skip.has(absolute)) continue;
      const info = await stat(absolute).catch(() => undefined);
      if (!info) {
        throw new PipelineError('ActionFailed', `${absolute} is a symbolic link to nothing.`, {
          hint: `remove the link, or exclude it with a line "${path}" in ${IGNORE_FILE}`,
        });
      }
      if (info.isDirectory()) {
        if (ALWAYS_EXCLUDED_DIRS.has(entry.name)) continue;
        if (ignored(here, `${path}/`) || exclude(path)) continue;
        const real = await realpath(absolute);
        if (ancestors.has(real)) {
          throw new PipelineError('ActionFailed', `${absolute} links back to its own parent directory.`, {
            hint: `exclude it with a line "${path}/" in ${IGNORE_FILE}`,
          });
        }
        await walk(absolute, path, here, new Set([...ancestors, real]));
      } else if (info.isFile()) {
        if (ignored(here, path) || exclude(path) || !include(path)) continue;
        files.push({ path, absolute, executable: (info.mode & 0o111) !== 0, size: info.size });
      }
      // Sockets, FIFOs and devices are not files a function can use.
    }
  }

  await walk(root, '', [], new Set([await realpath(root)]));
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Gitignore semantics across nested files: the deepest file that says something about a path wins. */
function ignored(layers: IgnoreLayer[], path: string): boolean {
  let result = false;
  for (const layer of layers) {
    const local = layer.base ? path.slice(layer.base.length + 1) : path;
    const verdict = layer.rules.test(local);
    if (verdict.ignored) result = true;
    else if (verdict.unignored) result = false;
  }
  return result;
}

/** `relative()` with `/` separators, for messages. */
export function displayPath(from: string, to: string): string {
  return relative(from, to).split(sep).join('/') || '.';
}
