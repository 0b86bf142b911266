/**
 * Blob files (object bodies, parts, code) under <dataDir>/blobs. A body is streamed to
 * <dataDir>/tmp first and renamed into place only once it is complete and verified, then its
 * metadata row is committed; so a crash mid-upload leaves at most a temp file (removed at the
 * next start) or an unreferenced blob (collected at the next start), never a visible partial object.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  constants,
  copyFileSync,
  createReadStream,
  createWriteStream,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface WrittenBlob {
  id: string;
  size: number;
  md5: Buffer;
  /** Extra digests requested by the caller, by name. */
  digests: Record<string, Buffer>;
}

/** Something that observes every chunk of a body (a checksum) and yields its digest at the end. */
export interface Digester {
  update(chunk: Buffer): void;
  digest(): Buffer | Promise<Buffer>;
}

export class BlobStore {
  private readonly blobDir: string;
  private readonly tmpDir: string;

  constructor(dataDir: string) {
    this.blobDir = join(dataDir, 'blobs');
    this.tmpDir = join(dataDir, 'tmp');
    mkdirSync(this.blobDir, { recursive: true });
    rmSync(this.tmpDir, { recursive: true, force: true });
    mkdirSync(this.tmpDir, { recursive: true });
  }

  path(id: string): string {
    return join(this.blobDir, id.slice(0, 2), id);
  }

  /**
   * Streams `source` to a new blob, computing MD5 and the given digests on the way. The blob is
   * only moved into place when the whole stream (and every transform, e.g. signature checks)
   * succeeded; on failure the temp file is removed and the error rethrown.
   */
  async write(
    source: Readable,
    digesters: Record<string, Digester> = {},
    through: Transform[] = [],
  ): Promise<WrittenBlob> {
    const id = randomUUID().replaceAll('-', '');
    const tmp = join(this.tmpDir, id);
    const md5 = createHash('md5');
    let size = 0;
    const observers = Object.values(digesters);
    try {
      const observe = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          md5.update(chunk);
          for (const d of observers) d.update(chunk);
          size += chunk.length;
          callback(null, chunk);
        },
      });
      await pipeline([source, ...through, observe, createWriteStream(tmp)]);
    } catch (error) {
      rmSync(tmp, { force: true });
      throw error;
    }
    const target = this.path(id);
    mkdirSync(join(this.blobDir, id.slice(0, 2)), { recursive: true });
    renameSync(tmp, target);
    const digests: Record<string, Buffer> = {};
    for (const [name, d] of Object.entries(digesters)) digests[name] = await d.digest();
    return { id, size, md5: md5.digest(), digests };
  }

  /** Copies a blob to a new id (a copy-on-write clone where the filesystem supports it). */
  copy(id: string): string {
    const copyId = randomUUID().replaceAll('-', '');
    mkdirSync(join(this.blobDir, copyId.slice(0, 2)), { recursive: true });
    copyFileSync(this.path(id), this.path(copyId), constants.COPYFILE_FICLONE);
    return copyId;
  }

  read(id: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.path(id), range);
  }

  size(id: string): number {
    return statSync(this.path(id)).size;
  }

  remove(id: string): void {
    rmSync(this.path(id), { force: true });
  }

  /** Removes blobs no metadata row references (left by a crash between rename and commit). */
  collectGarbage(isReferenced: (id: string) => boolean): number {
    let removed = 0;
    for (const dir of readdirSync(this.blobDir)) {
      for (const id of readdirSync(join(this.blobDir, dir))) {
        if (!isReferenced(id)) {
          rmSync(join(this.blobDir, dir, id), { force: true });
          removed++;
        }
      }
    }
    return removed;
  }
}
