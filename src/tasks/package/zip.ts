/**
 * Reproducible zips: the same files give the same bytes, whatever the clock, the time zone, the
 * file system's order or the files' owners and timestamps. Entries are sorted (see files.ts),
 * every entry carries the same DOS timestamp (1980-02-01 00:00: DOS time is local time, so the
 * date is built from local fields, a month past the format's epoch because yazl clamps earlier
 * dates to its own 1980-01-01 computed in the time zone it was loaded in; and no UTC "extended
 * timestamp" field is written), permissions are 0644, or 0755 for a file with any executable bit, and there are no
 * directory entries. Deflate output depends on zlib, so the bytes are the same for one Node.js
 * build (and in practice across releases that ship the same zlib).
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';

import { finished } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import { replaceFile } from '../replace-file.js';
import type { SourceFile } from './files.js';

const REGULAR_FILE = 0o100000;

export interface ZipDigest {
  /** Base64 of the SHA-256 of the zip, exactly as Lambda reports `CodeSha256`. */
  sha256: string;
  size: number;
}

function archive(files: readonly SourceFile[]): ZipFile {
  // Built from local fields at each call: the time zone may have changed since the module loaded.
  const fixedTime = new Date(1980, 1, 1, 0, 0, 0);
  const zip = new ZipFile();
  for (const file of files) {
    zip.addFile(file.absolute, file.path, {
      mtime: fixedTime,
      forceDosTimestamp: true,
      mode: REGULAR_FILE | (file.executable ? 0o755 : 0o644),
      compress: true,
    });
  }
  zip.end();
  return zip;
}

/** Feeds the zip's bytes to `sink` and returns its digest. */
async function produce(
  files: readonly SourceFile[],
  sink?: (chunk: Buffer) => void | Promise<void>,
): Promise<ZipDigest> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of archive(files).outputStream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
    await sink?.(chunk);
  }
  return { sha256: hash.digest('base64'), size };
}

/** The zip in memory (a function's `ZipFile`). */
export async function zipToBuffer(files: readonly SourceFile[]): Promise<ZipDigest & { bytes: Buffer }> {
  const chunks: Buffer[] = [];
  const digest = await produce(files, (chunk) => void chunks.push(chunk));
  return { ...digest, bytes: Buffer.concat(chunks) };
}

/** Only the digest, nothing written (for plans); `onChunk` sees the bytes pass (for other hashes). */
export function zipDigest(files: readonly SourceFile[], onChunk?: (chunk: Buffer) => void): Promise<ZipDigest> {
  return produce(files, onChunk);
}

/** Writes the zip to `path` atomically (a temporary file renamed into place). */
export function zipToFile(files: readonly SourceFile[], path: string): Promise<ZipDigest> {
  return replaceFile(path, async (temporary) => {
    const out = createWriteStream(temporary);
    const opened = new Promise<void>((resolve, reject) => out.once('open', () => resolve()).once('error', reject));
    try {
      await opened;
      const digest = await produce(files, (chunk) =>
        out.write(chunk) ? undefined : new Promise<void>((resolve) => out.once('drain', () => resolve())),
      );
      out.end();
      await finished(out);
      return digest;
    } finally {
      out.destroy();
    }
  });
}
