/**
 * SSH public keys as IAM accepts them: RSA keys of at least 2048 bits, in OpenSSH's one-line
 * format (`ssh-rsa AAAA... comment`) or as a PEM public key. node:crypto reads PEM, DER and JWK
 * keys but not OpenSSH's line, so the line's wire format (RFC 4253 section 6.6: the string
 * "ssh-rsa", then the mpints e and n) is read here and handed to node:crypto as a JWK, which
 * checks the key itself.
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { AwsError } from '../../errors.js';

/** The shortest RSA modulus IAM accepts. */
const MIN_RSA_BITS = 2048;

export const SshKeyErrors = {
  invalid: () =>
    new AwsError(
      'InvalidPublicKey',
      'The request was rejected because the public key is malformed or otherwise invalid.',
    ),
  unrecognized: () =>
    new AwsError(
      'UnrecognizedPublicKeyEncoding',
      'The request was rejected because the public key encoding format is unsupported or unrecognized.',
    ),
};

export interface ParsedSshKey {
  key: KeyObject;
  /** The key in OpenSSH's wire format (what the fingerprint and duplicate checks compare). */
  wire: Buffer;
  /** The MD5 fingerprint IAM reports: 16 hex pairs joined by colons. */
  fingerprint: string;
}

/** Reads one length-prefixed string of the wire format at `offset`. */
function readString(wire: Buffer, offset: number): { value: Buffer; next: number } {
  if (offset + 4 > wire.length) throw SshKeyErrors.invalid();
  const length = wire.readUInt32BE(offset);
  const next = offset + 4 + length;
  if (next > wire.length) throw SshKeyErrors.invalid();
  return { value: wire.subarray(offset + 4, next), next };
}

/** An mpint as JWK wants it: unsigned big-endian, without the sign byte, base64url. */
const jwkInteger = (mpint: Buffer) => {
  let start = 0;
  while (start < mpint.length - 1 && mpint[start] === 0) start++;
  return mpint.subarray(start).toString('base64url');
};

function lengthPrefixed(value: Buffer): Buffer {
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(value.length);
  return Buffer.concat([prefix, value]);
}

/** OpenSSH's wire format of an RSA key (mpints keep a zero byte before a high bit). */
function wireOf(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  const mpint = (b64: string) => {
    const bytes = Buffer.from(b64, 'base64url');
    return (bytes[0] as number) & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
  };
  return Buffer.concat([
    lengthPrefixed(Buffer.from('ssh-rsa')),
    lengthPrefixed(mpint(jwk.e as string)),
    lengthPrefixed(mpint(jwk.n as string)),
  ]);
}

function fromOpenSsh(line: string): KeyObject {
  const [type, data] = line.split(/\s+/);
  if (type !== 'ssh-rsa') throw SshKeyErrors.unrecognized();
  if (!data || !/^[A-Za-z0-9+/]+={0,2}$/.test(data)) throw SshKeyErrors.invalid();
  const wire = Buffer.from(data, 'base64');
  const name = readString(wire, 0);
  if (name.value.toString() !== 'ssh-rsa') throw SshKeyErrors.invalid();
  const e = readString(wire, name.next);
  const n = readString(wire, e.next);
  if (n.next !== wire.length) throw SshKeyErrors.invalid();
  try {
    return createPublicKey({ key: { kty: 'RSA', e: jwkInteger(e.value), n: jwkInteger(n.value) }, format: 'jwk' });
  } catch {
    throw SshKeyErrors.invalid();
  }
}

function fromPem(body: string): KeyObject {
  try {
    return createPublicKey(body);
  } catch {
    throw SshKeyErrors.invalid();
  }
}

/** Parses and checks an uploaded key body, or fails with IAM's error for it. */
export function parseSshPublicKey(body: string): ParsedSshKey {
  const text = body.trim();
  let key: KeyObject;
  if (text.startsWith('-----BEGIN')) key = fromPem(text);
  else if (/^[\w-]+ /.test(text)) key = fromOpenSsh(text);
  else throw SshKeyErrors.unrecognized();
  if (key.asymmetricKeyType !== 'rsa') throw SshKeyErrors.unrecognized();
  if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) throw SshKeyErrors.invalid();
  const wire = wireOf(key);
  const fingerprint = (createHash('md5').update(wire).digest('hex').match(/../g) as string[]).join(':');
  return { key, wire, fingerprint };
}

/** The key in the encoding GetSSHPublicKey asks for: OpenSSH's line, or a PEM public key. */
export function encodeSshPublicKey(parsed: ParsedSshKey, encoding: 'SSH' | 'PEM'): string {
  if (encoding === 'PEM') return parsed.key.export({ type: 'spki', format: 'pem' }).toString();
  return `ssh-rsa ${parsed.wire.toString('base64')}`;
}
