/**
 * Files the tasks write (zips, downloads, packaged templates) are replaced whole: written beside
 * the target under a temporary name, then renamed over it, so a reader (or a run interrupted
 * half-way) never sees half a file. The temporary file goes away when the write fails.
 */
import { rename, rm } from 'node:fs/promises';

/** Calls `write` with the temporary path to fill, then renames it to `path`; returns what `write` returned. */
export async function replaceFile<T>(path: string, write: (temporary: string) => Promise<T>): Promise<T> {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    const result = await write(temporary);
    await rename(temporary, path);
    return result;
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
