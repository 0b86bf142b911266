/**
 * Deployment packages: a zip from the request (ZipFile) or from an S3 object of the local cloud,
 * stored as a blob, checked as Lambda checks it (a readable zip, within the unzipped size limit)
 * plus one check AWS makes implicitly by running code in a sandbox: no entry may land outside the
 * function's directory (`../`, absolute paths, symlinks pointing out). Extracted once per blob,
 * on first use, under <dataDir>/lambda/code/<blob>.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, posix } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { toBuffer } from '../../protocol/values.js';
import type { BlobStore } from '../../store/blobs.js';
import type { S3Service } from '../s3/s3-service.js';
import { LambdaErrors } from './errors.js';
import { LIMITS } from './limits.js';
import type { CodeRef } from './state.js';

export interface CodeSource {
  ZipFile?: Uint8Array;
  S3Bucket?: string;
  S3Key?: string;
  S3ObjectVersion?: string;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;

const unzipFailed = () =>
  LambdaErrors.invalidParameter('Could not unzip uploaded file. Please check your file, then try to upload again.');

export class CodeStore {
  private readonly extracting = new Map<string, Promise<string>>();
  private readonly root: string;

  constructor(
    private readonly blobs: BlobStore,
    private readonly s3: S3Service,
    dataDir: string,
  ) {
    this.root = join(dataDir, 'lambda', 'code');
    mkdirSync(this.root, { recursive: true });
  }

  /**
   * Stores and checks the package a request names. The caller owns the returned blob: it must
   * reference it in a committed row or remove it.
   */
  async store(source: CodeSource | undefined, accountId: string): Promise<CodeRef> {
    let blob: string;
    // A zip from the request is hashed in memory; one copied from S3 is read back once to hash it.
    let known: { sha256: string; size: number } | undefined;
    if (source?.ZipFile) {
      if (source.ZipFile.byteLength > LIMITS.zippedDirectBytes) {
        throw LambdaErrors.requestTooLarge(`Zipped size must be smaller than ${LIMITS.zippedDirectBytes} bytes`);
      }
      const zip = toBuffer(source.ZipFile);
      known = { sha256: createHash('sha256').update(zip).digest('base64'), size: zip.length };
      blob = (await this.blobs.write(Readable.from([zip]))).id;
    } else if (source?.S3Bucket && source.S3Key) {
      blob = this.copyFromS3(source.S3Bucket, source.S3Key, source.S3ObjectVersion, accountId);
    } else {
      throw LambdaErrors.invalidParameter(
        'Please provide a source for function code: either ZipFile or S3Bucket and S3Key.',
      );
    }
    try {
      await inspectZip(this.blobs.path(blob));
      const { sha256, size } = known ?? (await digest(this.blobs.path(blob)));
      return { blob, sha256, size };
    } catch (error) {
      this.blobs.remove(blob);
      throw error;
    }
  }

  private copyFromS3(bucketName: string, key: string, versionId: string | undefined, accountId: string): string {
    const s3Error = (code: string, message: string) =>
      LambdaErrors.invalidParameter(
        `Error occurred while GetObject. S3 Error Code: ${code}. S3 Error Message: ${message}`,
      );
    const bucket = this.s3.state.getBucket(bucketName);
    if (!bucket) throw s3Error('NoSuchBucket', 'The specified bucket does not exist');
    if (bucket.accountId !== accountId) throw s3Error('AccessDenied', 'Access Denied');
    const version = versionId
      ? this.s3.state.version(bucketName, key, versionId)
      : this.s3.state.latest(bucketName, key);
    if (!version || version.deleteMarker || !version.blob) {
      throw versionId
        ? s3Error('NoSuchVersion', 'The specified version does not exist.')
        : s3Error('NoSuchKey', 'The specified key does not exist.');
    }
    return this.blobs.copy(version.blob);
  }

  /** The directory holding the package's files, extracting it on first use. */
  extract(code: CodeRef): Promise<string> {
    const dir = join(this.root, code.blob);
    if (existsSync(dir)) return Promise.resolve(dir);
    let pending = this.extracting.get(code.blob);
    if (!pending) {
      pending = extractZip(this.blobs.path(code.blob), dir).finally(() => this.extracting.delete(code.blob));
      this.extracting.set(code.blob, pending);
    }
    return pending;
  }

  /** Removes a blob and its extracted files once nothing references it. */
  release(blob: string): void {
    this.blobs.remove(blob);
    rmSync(join(this.root, blob), { recursive: true, force: true });
  }
}

function openZip(path: string): Promise<ZipFile> {
  return yauzl.openPromise(path, { lazyEntries: true, validateEntrySizes: true }).catch(() => {
    throw unzipFailed();
  });
}

/** Walks the central directory once, checking names, symlink targets and the total size. */
async function inspectZip(path: string): Promise<void> {
  const zip = await openZip(path);
  let unzipped = 0;
  try {
    for await (const entry of entries(zip)) {
      unzipped += entry.uncompressedSize;
      if (unzipped > LIMITS.unzippedBytes) {
        throw LambdaErrors.invalidParameter(`Unzipped size must be smaller than ${LIMITS.unzippedBytes} bytes`);
      }
      if (isSymlink(entry)) {
        const target = (await buffer(await zip.openReadStreamPromise(entry))).toString('utf8');
        if (escapes(posix.join(posix.dirname(entry.fileName), target)) || isAbsolute(target)) {
          throw LambdaErrors.invalidParameter(
            `Could not unzip uploaded file: the symbolic link ${entry.fileName} points outside the package (${target}).`,
          );
        }
      }
    }
  } finally {
    zip.close();
  }
}

async function extractZip(path: string, dir: string): Promise<string> {
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const zip = await openZip(path);
  try {
    for await (const entry of entries(zip)) {
      const target = join(tmp, normalize(entry.fileName));
      const mode = (entry.externalFileAttributes >>> 16) & 0o7777;
      if (entry.fileName.endsWith('/') || isDirectory(entry)) {
        mkdirSync(target, { recursive: true });
        continue;
      }
      mkdirSync(dirname(target), { recursive: true });
      const stream = await zip.openReadStreamPromise(entry);
      if (isSymlink(entry)) {
        symlinkSync((await buffer(stream)).toString('utf8'), target);
        continue;
      }
      await pipeline(stream, createWriteStream(target));
      // Zips made on Windows carry no Unix mode; Lambda then uses 0644 (and a `bootstrap` is not executable).
      if (mode) await chmod(target, mode & 0o777);
    }
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  } finally {
    zip.close();
  }
  renameSync(tmp, dir);
  return dir;
}

async function* entries(zip: ZipFile): AsyncGenerator<Entry> {
  const queue: Entry[] = [];
  let done = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  zip.on('entry', (entry: Entry) => {
    queue.push(entry);
    wake?.();
  });
  zip.on('end', () => {
    done = true;
    wake?.();
  });
  zip.on('error', (error: unknown) => {
    failure = error;
    wake?.();
  });
  zip.readEntry();
  for (;;) {
    if (failure) throw unzipFailed();
    const entry = queue.shift();
    if (entry) {
      yield entry;
      zip.readEntry();
      continue;
    }
    if (done) return;
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
    wake = undefined;
  }
}

function isSymlink(entry: Entry): boolean {
  return ((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK;
}

function isDirectory(entry: Entry): boolean {
  return ((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFDIR;
}

function escapes(relative: string): boolean {
  const normalized = posix.normalize(relative);
  return normalized === '..' || normalized.startsWith('../');
}

async function digest(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('base64'), size };
}
