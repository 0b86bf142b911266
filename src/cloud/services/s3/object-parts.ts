/**
 * The parts of a stored object as GET/HEAD `?partNumber=N` and GetObjectAttributes see them. A
 * completed multipart object keeps its parts' sizes (and, for composite checksums, their
 * checksums) in upload order; any other object is one part, part 1.
 */
import { checksumMember, isChecksumAlgorithm } from './checksums.js';
import { S3Errors } from './errors.js';
import type { ObjectPart, ObjectVersion } from './state.js';

/** A byte window of an object: what a Range header or a part number selects. */
export interface ByteWindow {
  start: number;
  end: number;
  /** The part read, when the window came from `partNumber`. */
  part?: ObjectPart | undefined;
}

/** The parts of a version: its stored parts, or the whole object as part 1. */
export function partsOf(version: ObjectVersion): ObjectPart[] {
  if (version.parts?.length) return version.parts;
  return [{ partNumber: 1, size: version.size }];
}

/**
 * The bytes of part `partNumber`, or S3's 416 InvalidPartNumber naming the object's part count.
 * An empty object's part 1 is the whole (empty) object, answered without a window.
 */
export function partWindow(version: ObjectVersion, partNumber: number): ByteWindow | undefined {
  const parts = partsOf(version);
  let start = 0;
  for (const part of parts) {
    if (part.partNumber === partNumber) {
      if (part.size === 0) return undefined;
      return { start, end: start + part.size - 1, part };
    }
    start += part.size;
  }
  throw S3Errors.invalidPartNumber(partNumber, parts.length);
}

/**
 * The checksum members GET/HEAD answer for a window of an object when checksums are asked for:
 * a composite object's part has its own checksum; otherwise only a window that is the whole object
 * has one (S3 sends none for a range).
 */
export function windowChecksum(version: ObjectVersion, window: ByteWindow | undefined): Record<string, string> {
  const checksum = version.checksum;
  if (!checksum || !isChecksumAlgorithm(checksum.algorithm)) return {};
  if (window?.part && checksum.type === 'COMPOSITE' && version.parts?.length) {
    if (!window.part.checksum) return {};
    return { [checksumMember(checksum.algorithm)]: window.part.checksum, ChecksumType: 'COMPOSITE' };
  }
  if (window && window.end - window.start + 1 !== version.size) return {};
  return { [checksumMember(checksum.algorithm)]: checksum.value, ChecksumType: checksum.type };
}
