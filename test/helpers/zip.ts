/** Test support: deployment packages built in memory with yazl (files, modes, symlinks). */
import type { Readable } from 'node:stream';
import { ZipFile } from 'yazl';

export type ZipEntry = string | { content: string | Buffer; mode?: number };

/** A zip of `files` (path -> content or {content, mode}); `symlinks` maps path -> target. */
export async function zip(files: Record<string, ZipEntry>, symlinks: Record<string, string> = {}): Promise<Buffer> {
  const archive = new ZipFile();
  const fixed = new Date('2024-01-01T00:00:00Z');
  for (const [path, entry] of Object.entries(files)) {
    const { content, mode } = typeof entry === 'string' ? { content: entry, mode: 0o644 } : entry;
    archive.addBuffer(Buffer.from(content), path, { mtime: fixed, mode: 0o100000 | (mode ?? 0o644) });
  }
  for (const [path, target] of Object.entries(symlinks)) {
    archive.addBuffer(Buffer.from(target), path, { mtime: fixed, mode: 0o120777 });
  }
  archive.end();
  const chunks: Buffer[] = [];
  for await (const chunk of archive.outputStream as Readable) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Renames entries in a finished zip by replacing `from` with `to` (same length) in every header,
 * to build archives that well-behaved zip writers refuse to make (`../` names).
 */
export function renameEntries(archive: Buffer, from: string, to: string): Buffer {
  if (from.length !== to.length) throw new Error('renameEntries needs names of equal length');
  return Buffer.from(archive.toString('latin1').replaceAll(from, to), 'latin1');
}

/** A Node.js handler returning what `body` (a function body over `event` and `context`) returns. */
export function nodeFunction(body: string, file = 'index.js'): Promise<Buffer> {
  return zip({ [file]: `exports.handler = async (event, context) => { ${body} };\n` });
}

export const TEST_ROLE = 'arn:aws:iam::000000000000:role/lambda-role';
