/**
 * Blob files (object bodies, parts, code) under <dataDir>/blobs. A body is streamed to
 * <dataDir>/tmp first and renamed into place only once it is complete and verified, then its
 * metadata row is committed; so a crash mid-upload leaves at most a temp file (removed at the
 * next start) or an unreferenced blob (collected at the next start), never a visible partial object.
 */
import { createHash, type Hash, randomUUID } from 'node:crypto';
import {
  closeSync,
  constants,
  copyFileSync,
  createReadStream,
  createWriteStream,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  type WriteStream,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { type Readable, Writable } from 'node:stream';
import { pump } from '../stream-pump.js';

/**
 * Bodies up to this size are gathered in memory and written with one call (open, write, close),
 * and read back with one read: for small objects the stream machinery and the thread pool's
 * round trips cost more than the bytes.
 */
export const SMALL_BLOB_BYTES = 64 * 1024;

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
  /** Shard directories (the id's first two characters) known to exist: made once, not per write. */
  private readonly shards = new Set<string>();

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

  private ensureShard(id: string): void {
    const shard = id.slice(0, 2);
    if (this.shards.has(shard)) return;
    mkdirSync(join(this.blobDir, shard), { recursive: true });
    this.shards.add(shard);
  }

  /**
   * Streams `source` to a new blob, computing MD5 and the given digests on the way. The blob is
   * only put in place when the whole stream (signature and hash checks included) succeeded; on
   * failure nothing is left and the error is rethrown. A small body is written straight to its
   * place (no metadata row refers to its new id yet, so a crash mid-write leaves an unreferenced
   * blob that the next start collects); a larger one goes through a temp file and a rename.
   */
  async write(source: Readable, digesters: Record<string, Digester> = {}): Promise<WrittenBlob> {
    const id = randomUUID().replaceAll('-', '');
    const tmp = join(this.tmpDir, id);
    const sink = new BlobSink(tmp, Object.values(digesters));
    const target = this.path(id);
    try {
      await pump(source, sink);
      this.ensureShard(id);
      if (sink.spilled) renameSync(tmp, target);
      else writeFileSync(target, sink.buffered());
    } catch (error) {
      if (sink.spilled) {
        // The temp file may still be opening: remove it only once its stream has closed, or the
        // open would create it again after the removal.
        await sink.fileClosed();
        rmSync(tmp, { force: true });
      }
      this.remove(id);
      throw error;
    }
    const digests: Record<string, Buffer> = {};
    for (const [name, d] of Object.entries(digesters)) digests[name] = await d.digest();
    return { id, size: sink.size, md5: sink.md5.digest(), digests };
  }

  /** Copies a blob to a new id (a copy-on-write clone where the filesystem supports it). */
  copy(id: string): string {
    const copyId = randomUUID().replaceAll('-', '');
    this.ensureShard(copyId);
    copyFileSync(this.path(id), this.path(copyId), constants.COPYFILE_FICLONE);
    return copyId;
  }

  read(id: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.path(id), range);
  }

  /**
   * The bytes of `range` (inclusive, as in read()) of a blob of `size` bytes: a Buffer read at
   * once when the window is small, else a stream.
   */
  body(id: string, size: number, range?: { start: number; end: number }): Buffer | Readable {
    const start = range?.start ?? 0;
    const length = (range ? range.end + 1 : size) - start;
    if (length > SMALL_BLOB_BYTES) return this.read(id, range);
    const buffer = Buffer.allocUnsafe(length);
    const fd = openSync(this.path(id), 'r');
    try {
      let filled = 0;
      while (filled < length) {
        const read = readSync(fd, buffer, filled, length - filled, start + filled);
        if (read === 0) break;
        filled += read;
      }
      return filled === length ? buffer : buffer.subarray(0, filled);
    } finally {
      closeSync(fd);
    }
  }

  size(id: string): number {
    return statSync(this.path(id)).size;
  }

  /** Removes a blob; one already gone is fine. (unlink, not rmSync: one syscall, no rimraf.) */
  remove(id: string): void {
    try {
      unlinkSync(this.path(id));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
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

/**
 * Where write() puts a body as it arrives: MD5 and the digests see every chunk; the bytes stay in
 * memory up to SMALL_BLOB_BYTES, and past that spill to a temp file, written with backpressure.
 */
class BlobSink extends Writable {
  readonly md5: Hash = createHash('md5');
  size = 0;
  private chunks: Buffer[] = [];
  private file: WriteStream | undefined;

  constructor(
    private readonly tmp: string,
    private readonly observers: Digester[],
  ) {
    super();
  }

  /** True once the body went to the temp file. */
  get spilled(): boolean {
    return this.file !== undefined;
  }

  /** Resolves once the temp file's stream (if any) is closed, destroying it if it is still open. */
  fileClosed(): Promise<void> {
    const file = this.file;
    if (!file || file.closed) return Promise.resolve();
    return new Promise((resolve) => {
      file.once('close', () => resolve());
      if (!file.destroyed) file.destroy();
    });
  }

  /** The body, when it stayed in memory. */
  buffered(): Buffer {
    return this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.size);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.md5.update(chunk);
    for (const d of this.observers) d.update(chunk);
    this.size += chunk.length;
    if (!this.file) {
      if (this.size <= SMALL_BLOB_BYTES) {
        this.chunks.push(chunk);
        callback();
        return;
      }
      const file = createWriteStream(this.tmp);
      file.on('error', (error) => this.destroy(error));
      for (const buffered of this.chunks) file.write(buffered);
      this.chunks = [];
      this.file = file;
    }
    if (this.file.write(chunk)) callback();
    else this.file.once('drain', () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (!this.file) {
      callback();
      return;
    }
    // Done once the file is closed: renaming is then the only step left.
    this.file.once('close', () => callback());
    this.file.end();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.file?.destroy();
    callback(error);
  }
}
