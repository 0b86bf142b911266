/**
 * Message signatures as SNS makes them: SignatureVersion 1 is SHA1withRSA and 2 is SHA256withRSA,
 * both over AWS's canonical string (each signed field's name and value on their own lines, in
 * byte order of the names), with a key whose self-signed certificate the local cloud serves at
 * `SigningCertURL`. The key pair and certificate are made once per data dir and kept there, so
 * messages delivered before a restart still verify after it.
 */
import { createPrivateKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadForge } from '../../tls.js';
import type { StoredMessage } from './messages.js';

/** Certificates live ten years; the local cloud never rotates them. */
const CERT_YEARS = 10;
export const SIGNING_CERT_FILE = 'SimpleNotificationService-local.pem';

/** Fields signed per message type, in the order AWS concatenates them. */
const SIGNED_FIELDS = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
  UnsubscribeConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
} as const;

export type SignedType = keyof typeof SIGNED_FIELDS;

/** The string SNS signs: `Name\nvalue\n` for each signed field present (Subject only when set). */
export function canonicalString(type: SignedType, fields: Record<string, string | undefined>): string {
  let text = '';
  for (const name of SIGNED_FIELDS[type]) {
    const value = name === 'Type' ? type : fields[name];
    if (value === undefined) continue;
    text += `${name}\n${value}\n`;
  }
  return text;
}

/** Signatures kept for messages still being delivered (a few hundred bytes each). */
const RECENT_SIGNATURES = 1024;

export class SnsSigner {
  private key: { privateKey: string; certificate: string } | undefined;
  /** The parsed private key: parsing the PEM for every signature cost more than the signature. */
  private signingKey: KeyObject | undefined;

  constructor(private readonly dir: string) {}

  /** The certificate in PEM (made on first use). */
  certificate(): string {
    return this.keys().certificate;
  }

  /**
   * Signatures of recent messages: the signed fields of a message are the same for every
   * subscription it goes to, and an RSA signature costs about a millisecond, so a publish to 50
   * subscriptions signs once, not 50 times.
   */
  private readonly recent = new Map<string, string>();

  /** Base64 signature of `message`'s signed fields. */
  sign(type: SignedType, fields: Record<string, string | undefined>, version: string): string {
    const key = fields['MessageId'] ? `${fields['MessageId']}:${type}:${version}` : undefined;
    const known = key && this.recent.get(key);
    if (known) return known;
    const signature = this.signFields(type, fields, version);
    if (key) {
      if (this.recent.size >= RECENT_SIGNATURES) this.recent.clear();
      this.recent.set(key, signature);
    }
    return signature;
  }

  private signFields(type: SignedType, fields: Record<string, string | undefined>, version: string): string {
    const algorithm = version === '2' ? 'sha256' : 'sha1';
    const text = canonicalString(type, { ...fields, Type: type });
    this.signingKey ??= createPrivateKey(this.keys().privateKey);
    return sign(algorithm, Buffer.from(text, 'utf8'), this.signingKey).toString('base64');
  }

  /** The signed fields of a stored message. */
  static fieldsOf(message: StoredMessage, text: string, subscribeUrl?: string): Record<string, string | undefined> {
    return {
      Message: text,
      MessageId: message.messageId,
      Subject: message.subject,
      Timestamp: message.timestamp,
      TopicArn: message.topicArn,
      Token: message.token,
      SubscribeURL: subscribeUrl,
    };
  }

  private keys(): { privateKey: string; certificate: string } {
    if (this.key) return this.key;
    const keyFile = join(this.dir, 'signing-key.pem');
    const certFile = join(this.dir, SIGNING_CERT_FILE);
    if (existsSync(keyFile) && existsSync(certFile)) {
      this.key = { privateKey: readFileSync(keyFile, 'utf8'), certificate: readFileSync(certFile, 'utf8') };
      return this.key;
    }
    mkdirSync(this.dir, { recursive: true });
    const made = makeKeyAndCertificate();
    // The certificate is written last: its presence says the pair is complete.
    writeFileSync(keyFile, made.privateKey, { mode: 0o600 });
    writeFileSync(certFile, made.certificate);
    this.key = made;
    return made;
  }
}

/** An RSA 2048 key (node:crypto) and a self-signed X.509 certificate for it (node-forge). */
function makeKeyAndCertificate(): { privateKey: string; certificate: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const forge = loadForge();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  cert.serialNumber = `01${Date.now().toString(16)}`;
  cert.validity.notBefore = new Date(Date.now() - 24 * 3600 * 1000);
  cert.validity.notAfter = new Date(Date.now() + CERT_YEARS * 365 * 24 * 3600 * 1000);
  const subject = [
    { name: 'commonName', value: 'sns.amazonaws.com' },
    { name: 'organizationName', value: 'lambda-tasks local cloud' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.sign(forge.pki.privateKeyFromPem(privateKey), forge.md.sha256.create());
  return { privateKey, certificate: forge.pki.certificateToPem(cert) };
}
