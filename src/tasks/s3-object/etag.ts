/**
 * S3's ETag computed locally, to skip uploads and downloads of identical content. Apart from the
 * S3 client, so that the package task can use it without loading the SDK.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Files at or below this size are uploaded with one PutObject; larger ones in parts of this size. */
export const PART_SIZE = 8 * 1024 * 1024;

/**
 * The ETag S3 gives content uploaded as we upload it: the MD5 of the content for one PutObject,
 * or for a multipart upload in parts of PART_SIZE the MD5 of the parts' MD5s followed by
 * `-<parts>`. Quoted, as S3 sends it. (Objects encrypted with SSE-KMS or SSE-C have other ETags,
 * which then never match: such uploads are never skipped.) Fed chunk by chunk, so a package being
 * zipped in a plan gets its ETag without being written.
 */
export class S3Etag {
  private readonly whole = createHash('md5');
  private readonly parts: Buffer[] = [];
  private part = createHash('md5');
  private filled = 0;
  private size = 0;

  update(chunk: Buffer): void {
    this.size += chunk.length;
    this.whole.update(chunk);
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(PART_SIZE - this.filled, chunk.length - offset);
      this.part.update(chunk.subarray(offset, offset + take));
      this.filled += take;
      offset += take;
      if (this.filled === PART_SIZE) {
        this.parts.push(this.part.digest());
        this.part = createHash('md5');
        this.filled = 0;
      }
    }
  }

  digest(): string {
    if (this.size <= PART_SIZE) return `"${this.whole.digest('hex')}"`;
    const parts = this.filled > 0 ? [...this.parts, this.part.digest()] : this.parts;
    return `"${createHash('md5').update(Buffer.concat(parts)).digest('hex')}-${parts.length}"`;
  }
}

/** The ETag of `path`'s content once uploaded (see S3Etag). */
export async function localEtag(path: string): Promise<string> {
  const etag = new S3Etag();
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    etag.update(chunk);
  }
  return etag.digest();
}
