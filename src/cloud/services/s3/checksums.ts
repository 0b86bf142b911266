/**
 * S3's flexible checksums: CRC32, CRC32C, CRC64NVME, SHA1, SHA256 (base64 of the big-endian
 * digest), verified on upload against the `x-amz-checksum-*` header or aws-chunked trailer and
 * stored to be returned when asked (`x-amz-checksum-mode: ENABLED`). CRC32 comes from zlib,
 * CRC32C from @aws-crypto (what the SDK uses), CRC64NVME from the SDK's own implementation.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { crc32 } from 'node:zlib';
import { Crc32c } from '@aws-crypto/crc32c';
import type * as SdkCrc from '@aws-sdk/checksums/crc';
import type { Digester } from '../../store/blobs.js';

/**
 * The SDK's CRC module, required on the first CRC64NVME checksum: its entry also loads the SDK's
 * shared core (serde, endpoints), ~20 ms that every `lambda-tasks cloud` start would otherwise pay
 * for a checksum few requests ask for.
 */
let sdkCrc: typeof SdkCrc | undefined;
function crc64Nvme(): InstanceType<typeof SdkCrc.Crc64NvmeJs> {
  sdkCrc ??= createRequire(import.meta.url)('@aws-sdk/checksums/crc') as typeof SdkCrc;
  return new sdkCrc.Crc64NvmeJs();
}

export const CHECKSUM_ALGORITHMS = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

/** Bytes of each raw digest, used to reject malformed header values as AWS does. */
const DIGEST_BYTES: Record<ChecksumAlgorithm, number> = { CRC32: 4, CRC32C: 4, CRC64NVME: 8, SHA1: 20, SHA256: 32 };

export function isChecksumAlgorithm(value: string): value is ChecksumAlgorithm {
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(value);
}

function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

export function createDigester(algorithm: ChecksumAlgorithm): Digester {
  switch (algorithm) {
    case 'CRC32': {
      let value = 0;
      return {
        update: (chunk) => {
          value = crc32(chunk, value);
        },
        digest: () => uint32(value),
      };
    }
    case 'CRC32C': {
      const c = new Crc32c();
      return { update: (chunk) => void c.update(chunk), digest: () => uint32(c.digest()) };
    }
    case 'CRC64NVME': {
      const c = crc64Nvme();
      return { update: (chunk) => c.update(chunk), digest: async () => Buffer.from(await c.digest()) };
    }
    case 'SHA1':
    case 'SHA256': {
      const h = createHash(algorithm === 'SHA1' ? 'sha1' : 'sha256');
      return { update: (chunk) => void h.update(chunk), digest: () => h.digest() };
    }
  }
}

/** True when `value` is a base64 digest of the right length for the algorithm. */
export function isWellFormedChecksum(algorithm: ChecksumAlgorithm, value: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return false;
  return Buffer.from(value, 'base64').length === DIGEST_BYTES[algorithm];
}

/** The response/request member name for an algorithm, e.g. `ChecksumCRC32`. */
export function checksumMember(algorithm: ChecksumAlgorithm): `Checksum${ChecksumAlgorithm}` {
  return `Checksum${algorithm}`;
}

/** Composite checksum of a multipart object: the digest of the concatenated raw part digests, `-N`. */
export async function compositeChecksum(algorithm: ChecksumAlgorithm, partChecksums: string[]): Promise<string> {
  const d = createDigester(algorithm);
  for (const c of partChecksums) d.update(Buffer.from(c, 'base64'));
  return `${(await d.digest()).toString('base64')}-${partChecksums.length}`;
}
