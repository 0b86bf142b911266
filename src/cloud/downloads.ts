/**
 * Short-lived download links for blobs, the local cloud's stand-in for the presigned S3 URLs AWS
 * returns as Lambda's `Code.Location` and a layer's `Content.Location`: anyone with the link may
 * GET the blob until it expires, without AWS credentials (as with AWS's). The link is an HMAC
 * over the blob id and expiry with a key made at start, so links die with the process, like
 * AWS's die after ten minutes.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const DOWNLOAD_PATH_PREFIX = '/_lambda-tasks/download/';
const LINK_TTL_MS = 10 * 60 * 1000;

export class DownloadLinks {
  private readonly key = randomBytes(32);

  constructor(private readonly now: () => number) {}

  link(endpoint: string, blob: string): string {
    const expires = this.now() + LINK_TTL_MS;
    const token = `${blob}.${expires}`;
    return `${endpoint}${DOWNLOAD_PATH_PREFIX}${token}.${this.sign(token)}`;
  }

  /** The blob a link path names, or undefined when the link is forged or expired. */
  resolve(path: string): string | undefined {
    const [blob, expires, signature] = path.slice(DOWNLOAD_PATH_PREFIX.length).split('.');
    if (!blob || !expires || !signature || !/^[0-9a-f]+$/.test(blob)) return undefined;
    const expected = Buffer.from(this.sign(`${blob}.${expires}`));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    return Number(expires) >= this.now() ? blob : undefined;
  }

  private sign(token: string): string {
    return createHmac('sha256', this.key).update(token).digest('base64url');
  }
}
