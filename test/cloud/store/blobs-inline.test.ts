/**
 * The blob store given the cloud's database: small bodies are rows of `blob_inline` rather than
 * files, and every operation (read, copy, path, removal, garbage collection) works on them as on
 * files, across a reopen of the database.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlobStore, isInlineBlob, SMALL_BLOB_BYTES } from '../../../src/cloud/store/blobs.js';
import { type Db, openDatabase } from '../../../src/cloud/store/database.js';

/** Every file under the store's blobs directory. */
function blobFiles(dataDir: string): string[] {
  return readdirSync(join(dataDir, 'blobs'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name);
}

async function streamed(body: Buffer | Readable): Promise<Buffer> {
  if (Buffer.isBuffer(body)) return body;
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function bytes(size: number, seed = 1): Buffer {
  return Buffer.from(Array.from({ length: size }, (_, i) => (i * 31 + seed) % 251));
}

function inlineRows(db: Db): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM blob_inline').get() as { n: number }).n;
}

describe('BlobStore with the database (inline small bodies)', () => {
  let dataDir: string;
  let db: Db;
  let store: BlobStore;
  const open = () => {
    db = openDatabase(join(dataDir, 'cloud.db'), []);
    store = new BlobStore(dataDir, db);
  };
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'blobs-inline-'));
    open();
  });
  afterEach(() => {
    if (db.open) db.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.each([
    ['a stream', (b: Buffer) => Readable.from([b.subarray(0, 100), b.subarray(100)])],
    ['a Buffer', (b: Buffer) => b],
  ])('keeps a small body from %s as a row, with its MD5 and digests, and reads it back', async (_name, source) => {
    const body = bytes(3000);
    let seen = 0;
    const written = await store.write(source(body), {
      counted: {
        update: (chunk) => {
          seen += chunk.length;
        },
        digest: () => Buffer.from([seen % 256]),
      },
    });
    expect(isInlineBlob(written.id)).toBe(true);
    expect(written.size).toBe(3000);
    expect(written.md5.equals(createHash('md5').update(body).digest())).toBe(true);
    expect(written.digests['counted']).toEqual(Buffer.from([3000 % 256]));
    expect(blobFiles(dataDir)).toEqual([]);
    expect(store.size(written.id)).toBe(3000);
    expect((await streamed(store.body(written.id, 3000))).equals(body)).toBe(true);
    expect((await streamed(store.body(written.id, 3000, { start: 10, end: 19 }))).equals(body.subarray(10, 20))).toBe(
      true,
    );
    expect((await streamed(store.read(written.id, { start: 2990, end: 2999 }))).equals(body.subarray(2990))).toBe(true);
  });

  it('keeps a body past the in-memory limit as a file', async () => {
    const body = bytes(SMALL_BLOB_BYTES + 1);
    const written = await store.write(Readable.from([body]));
    expect(isInlineBlob(written.id)).toBe(false);
    expect(blobFiles(dataDir)).toEqual([written.id]);
    expect((await streamed(store.read(written.id))).equals(body)).toBe(true);
    expect(inlineRows(db)).toBe(0);
  });

  it('copies, and writes a row out to a file for readers that need a path', async () => {
    const body = bytes(500);
    const { id } = await store.write(body);
    const copy = store.copy(id);
    expect(isInlineBlob(copy)).toBe(true);
    store.remove(id);
    expect(() => store.size(id)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    expect(readFileSync(store.path(copy)).equals(body)).toBe(true);
    // The written-out file goes with the blob.
    const path = store.path(copy);
    store.remove(copy);
    expect(() => readFileSync(path)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });

  it('deletes removed rows with the next write, and a rollback does not bring them back', async () => {
    const first = await store.write(bytes(100));
    const second = await store.write(bytes(200));
    expect(inlineRows(db)).toBe(2);
    // Removed inside a transaction that then fails: the row still goes (as an unlinked file would).
    expect(() =>
      db.transaction(() => {
        store.remove(first.id);
        throw new Error('rolled back');
      })(),
    ).toThrow('rolled back');
    expect(() => store.body(first.id, 100)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    await store.write(bytes(300));
    expect(inlineRows(db)).toBe(2);
    expect(store.size(second.id)).toBe(200);
  });

  it("holds a body written with `held` until commit(), which goes with the caller's transaction", async () => {
    const body = bytes(700);
    const held = await store.write(body, {}, { held: true });
    // Readable at once, but not stored yet.
    expect((await streamed(store.body(held.id, 700))).equals(body)).toBe(true);
    expect(inlineRows(db)).toBe(0);
    // Committed in a transaction that rolls back: gone with it, as the row referencing it would be.
    expect(() =>
      db.transaction(() => {
        held.commit();
        throw new Error('rolled back');
      })(),
    ).toThrow('rolled back');
    expect(inlineRows(db)).toBe(0);

    const kept = await store.write(body, {}, { held: true });
    db.transaction(() => kept.commit())();
    expect(inlineRows(db)).toBe(1);
    db.close();
    open();
    expect((await streamed(store.body(kept.id, 700))).equals(body)).toBe(true);

    // Removed before its commit: nothing is ever stored.
    const dropped = await store.write(bytes(10), {}, { held: true });
    store.remove(dropped.id);
    dropped.commit();
    expect(inlineRows(db)).toBe(1);
  });

  it('keeps rows across a reopen, and collects the ones nothing references', async () => {
    const kept = await store.write(bytes(1000, 7));
    const orphan = await store.write(bytes(1000, 9));
    const file = await store.write(bytes(SMALL_BLOB_BYTES * 2));
    db.close();
    open();
    expect((await streamed(store.body(kept.id, 1000))).equals(bytes(1000, 7))).toBe(true);
    const referenced = new Set([kept.id, file.id]);
    expect(store.collectGarbage((id) => referenced.has(id))).toBe(1);
    expect(() => store.size(orphan.id)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    expect(store.size(kept.id)).toBe(1000);
    expect(store.size(file.id)).toBe(SMALL_BLOB_BYTES * 2);
  });
});
