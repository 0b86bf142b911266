/**
 * Blobs (object bodies, parts, code): files under <dataDir>/blobs, and, when the store is given
 * the cloud's database, small bodies as rows of its `blob_inline` table: one SQLite write instead
 * of creating, writing and later unlinking a file (a tenth of a small PUT's server CPU in a profile,
 * ext4 allocating inodes), and a GET reads a row instead of opening a file. A large body is
 * streamed to <dataDir>/tmp first and renamed into place only once it is complete and verified,
 * then its metadata row is committed; so a crash mid-upload leaves at most a temp file (removed at
 * the next start) or an unreferenced blob or row (collected at the next start), never a visible
 * partial object.
 */
import { createHash, type Hash, randomBytes, randomUUID } from 'node:crypto';
import {
  closeSync,
  constants,
  copyFileSync,
  createReadStream,
  createWriteStream,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  type WriteStream,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pump } from '../stream-pump.js';
import type { Db, Statement } from './sqlite.js';

/**
 * Bodies up to this size are gathered in memory and written with one call (open, write, close),
 * and read back with one read: for small objects the stream machinery and the thread pool's
 * round trips cost more than the bytes.
 */
export const SMALL_BLOB_BYTES = 64 * 1024;

/**
 * Ids of blobs kept in SQLite are 40 hex digits, file blobs' 32 (a UUID's), so every operation
 * knows where a blob lives from its id alone; both are plain hex, as download links require.
 */
const INLINE_ID_LENGTH = 40;

function newFileId(): string {
  return randomUUID().replaceAll('-', '');
}

function newInlineId(): string {
  return randomBytes(INLINE_ID_LENGTH / 2).toString('hex');
}

/** How long removed inline blobs wait for a next write to be deleted with it. */
const REMOVAL_DELAY_MS = 1000;

export function isInlineBlob(id: string): boolean {
  return id.length === INLINE_ID_LENGTH;
}

export interface WrittenBlob {
  id: string;
  size: number;
  md5: Buffer;
  /** Extra digests requested by the caller, by name. */
  digests: Record<string, Buffer>;
}

/** A blob written with `{ held: true }`: readable at once, stored for good by `commit()`. */
export interface HeldBlob extends WrittenBlob {
  /**
   * Stores a small body's row; called in the transaction of the row that references the blob, it
   * is committed with it (one commit per write instead of two). A file blob is stored already.
   */
  commit(): void;
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
  /** Where small bodies go; without a database every blob is a file. */
  private readonly inline: InlineBlobs | undefined;

  /** `db`: the cloud's database, to keep bodies up to SMALL_BLOB_BYTES in it rather than in files. */
  constructor(dataDir: string, db?: Db) {
    this.blobDir = join(dataDir, 'blobs');
    this.tmpDir = join(dataDir, 'tmp');
    mkdirSync(this.blobDir, { recursive: true });
    rmSync(this.tmpDir, { recursive: true, force: true });
    mkdirSync(this.tmpDir, { recursive: true });
    this.inline = db ? new InlineBlobs(db, this.tmpDir) : undefined;
  }

  /**
   * A file holding the blob's bytes, for readers that need one (unzipping a function's code). An
   * inline blob is written out to <dataDir>/tmp on first ask (that directory is emptied at start).
   */
  path(id: string): string {
    if (this.inline && isInlineBlob(id)) return this.inline.materialized(id);
    return join(this.blobDir, id.slice(0, 2), id);
  }

  private ensureShard(id: string): void {
    const shard = id.slice(0, 2);
    if (this.shards.has(shard)) return;
    mkdirSync(join(this.blobDir, shard), { recursive: true });
    this.shards.add(shard);
  }

  /**
   * Streams `source` (or takes it whole, as a Buffer) to a new blob, computing MD5 and the given
   * digests on the way. The blob is only put in place when the whole stream (signature and hash
   * checks included) succeeded; on failure nothing is left and the error is rethrown. A small
   * body is written straight to its place, a row or a file (no metadata row refers to its new id
   * yet, so a crash mid-write leaves an unreferenced blob that the next start collects); a larger
   * one goes through a temp file and a rename.
   */
  async write(
    source: Readable | Buffer,
    digesters: Record<string, Digester> = {},
    options: { held?: boolean } = {},
  ): Promise<HeldBlob> {
    const held = options.held === true;
    if (Buffer.isBuffer(source) && source.length <= SMALL_BLOB_BYTES) return this.writeSmall(source, digesters, held);
    let id = newFileId();
    const tmp = join(this.tmpDir, id);
    const sink = new BlobSink(tmp, Object.values(digesters));
    try {
      await pump(Buffer.isBuffer(source) ? Readable.from([source], { objectMode: false }) : source, sink);
      if (sink.spilled) {
        this.ensureShard(id);
        renameSync(tmp, this.path(id));
      } else {
        id = this.place(sink.buffered(), held, id);
      }
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
    const md5 = sink.md5.digest();
    return { id, size: sink.size, md5, digests: await digestsOf(digesters), commit: this.committer(id) };
  }

  /** write() of a body already in memory (a small request body): no stream to go through. */
  private async writeSmall(body: Buffer, digesters: Record<string, Digester>, held: boolean): Promise<HeldBlob> {
    const observers = Object.values(digesters);
    for (const d of observers) d.update(body);
    const md5 = createHash('md5').update(body).digest();
    const id = this.place(body, held);
    return { id, size: body.length, md5, digests: await digestsOf(digesters), commit: this.committer(id) };
  }

  private committer(id: string): () => void {
    const inline = this.inline;
    return inline && isInlineBlob(id) ? () => inline.commit(id) : () => {};
  }

  /** Stores a small body under a new id: a row when the store has a database, else a file (`fileId`). */
  private place(body: Buffer, held: boolean, fileId = newFileId()): string {
    if (this.inline) {
      const id = newInlineId();
      if (held) this.inline.hold(id, body);
      else this.inline.insert(id, body);
      return id;
    }
    this.ensureShard(fileId);
    writeFileSync(this.path(fileId), body);
    return fileId;
  }

  /** Copies a blob to a new id (a copy-on-write clone where the filesystem supports it). */
  copy(id: string): string {
    if (this.inline && isInlineBlob(id)) return this.inline.copy(id, newInlineId());
    const copyId = newFileId();
    this.ensureShard(copyId);
    copyFileSync(this.path(id), this.path(copyId), constants.COPYFILE_FICLONE);
    return copyId;
  }

  read(id: string, range?: { start: number; end: number }): Readable {
    if (this.inline && isInlineBlob(id)) {
      const data = this.inline.data(id);
      return Readable.from([range ? data.subarray(range.start, range.end + 1) : data], { objectMode: false });
    }
    return createReadStream(this.path(id), range);
  }

  /**
   * The bytes of `range` (inclusive, as in read()) of a blob of `size` bytes: a Buffer read at
   * once when the window is small, else a stream.
   */
  body(id: string, size: number, range?: { start: number; end: number }): Buffer | Readable {
    const start = range?.start ?? 0;
    const length = (range ? range.end + 1 : size) - start;
    if (this.inline && isInlineBlob(id)) return this.inline.data(id).subarray(start, start + length);
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

  /** The whole blob at once (for bodies known to be small enough to hold, such as templates). */
  bytes(id: string): Buffer {
    if (this.inline && isInlineBlob(id)) return this.inline.data(id);
    return readFileSync(this.path(id));
  }

  size(id: string): number {
    if (this.inline && isInlineBlob(id)) return this.inline.data(id).length;
    return statSync(this.path(id)).size;
  }

  /** Removes a blob; one already gone is fine. (unlink, not rmSync: one syscall, no rimraf.) */
  remove(id: string): void {
    if (this.inline && isInlineBlob(id)) {
      this.inline.remove(id);
      return;
    }
    try {
      unlinkSync(this.path(id));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  /** Removes blobs no metadata row references (left by a crash between rename and commit). */
  collectGarbage(isReferenced: (id: string) => boolean): number {
    let removed = this.inline?.collectGarbage(isReferenced) ?? 0;
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
 * Small blobs as rows of `blob_inline` in the cloud's database. The table is the store's own (not
 * a service's), so it is made here when missing rather than by a service's migration.
 */
class InlineBlobs {
  private readonly insertRow: Statement;
  private readonly selectData: Statement;
  private readonly copyRow: Statement;
  private readonly deleteRow: Statement;
  /** Ids written out to files by materialized(), so remove() knows to delete the file too. */
  private readonly files = new Set<string>();
  /** Bodies written with `held`, until their commit() (or removal). */
  private readonly held = new Map<string, Buffer>();
  /** Blobs removed since the last insert (see remove()). */
  private removed = new Set<string>();
  private flushTimer: NodeJS.Timeout | undefined;
  /** One transaction wrapper, built once (db.transaction builds its wrappers on every call). */
  private readonly writeTogether: (write: () => void) => void;

  constructor(
    private readonly db: Db,
    private readonly tmpDir: string,
  ) {
    db.exec('CREATE TABLE IF NOT EXISTS blob_inline (id TEXT PRIMARY KEY, data BLOB NOT NULL)');
    this.insertRow = db.prepare('INSERT INTO blob_inline (id, data) VALUES (?, ?)');
    this.selectData = db.prepare('SELECT data FROM blob_inline WHERE id = ?');
    this.copyRow = db.prepare('INSERT INTO blob_inline (id, data) SELECT ?, data FROM blob_inline WHERE id = ?');
    this.deleteRow = db.prepare('DELETE FROM blob_inline WHERE id = ?');
    this.writeTogether = db.transaction((write: () => void) => write());
  }

  /** Inserts a body, and deletes the removed ones in the same commit. */
  insert(id: string, data: Buffer): void {
    if (this.db.inTransaction) {
      this.insertRow.run(id, data);
      return;
    }
    this.writeTogether(() => {
      this.insertRow.run(id, data);
      this.deleteRemoved();
    });
  }

  hold(id: string, data: Buffer): void {
    this.held.set(id, data);
  }

  /** Inserts a held body's row, in the caller's transaction when there is one. */
  commit(id: string): void {
    const data = this.held.get(id);
    if (!data) return;
    this.insertRow.run(id, data);
    this.held.delete(id);
  }

  /** The blob's bytes; ENOENT (as for a missing file) when there is no such blob. */
  data(id: string): Buffer {
    const held = this.held.get(id);
    if (held) return held;
    const row = this.removed.has(id) ? undefined : (this.selectData.get(id) as { data: Buffer } | undefined);
    if (!row) throw missingBlob(id);
    return row.data;
  }

  copy(id: string, copyId: string): string {
    const held = this.held.get(id);
    if (held) this.insert(copyId, held);
    else if (this.removed.has(id) || this.copyRow.run(copyId, id).changes === 0) throw missingBlob(id);
    return copyId;
  }

  /**
   * Deletes the row with the next insert, in its commit: a PUT over a key then costs one commit
   * for its body and the old one's removal instead of two, and a delete inside a transaction is
   * not undone by a rollback (as a file's unlink would not be). A blob is only removed once
   * nothing references it, so its row lingering a moment changes nothing; without a next insert
   * the removals are done shortly after, and a restart's collectGarbage() catches any left over.
   */
  remove(id: string): void {
    // A held body never written needs nothing more.
    if (this.held.delete(id)) return;
    this.removed.add(id);
    if (this.files.delete(id)) rmSync(join(this.tmpDir, id), { force: true });
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      if (this.removed.size > 0 && this.db.open && !this.db.inTransaction)
        this.writeTogether(() => this.deleteRemoved());
    }, REMOVAL_DELAY_MS).unref();
  }

  materialized(id: string): string {
    const file = join(this.tmpDir, id);
    if (!this.files.has(id)) {
      let data: Buffer;
      try {
        data = this.data(id);
      } catch {
        // A missing blob has no file either: the caller's read fails with ENOENT, as for a file blob.
        return file;
      }
      writeFileSync(file, data);
      this.files.add(id);
    }
    return file;
  }

  collectGarbage(isReferenced: (id: string) => boolean): number {
    const ids = (this.db.prepare('SELECT id FROM blob_inline').all() as { id: string }[]).map((row) => row.id);
    let removed = 0;
    for (const id of ids) {
      if (isReferenced(id)) continue;
      this.deleteRow.run(id);
      removed++;
    }
    return removed;
  }

  private deleteRemoved(): void {
    for (const id of this.removed) this.deleteRow.run(id);
    this.removed.clear();
  }
}

async function digestsOf(digesters: Record<string, Digester>): Promise<Record<string, Buffer>> {
  const digests: Record<string, Buffer> = {};
  for (const [name, d] of Object.entries(digesters)) digests[name] = await d.digest();
  return digests;
}

function missingBlob(id: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOENT: no such blob, '${id}'`), { code: 'ENOENT' });
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
