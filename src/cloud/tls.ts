/**
 * HTTPS on the cloud's one port: a certificate authority made once per data dir (`tls/ca.pem`)
 * and a server certificate it signs for the loopback names (`localhost`, `127.0.0.1`, `::1`) and
 * the host the cloud listens on. Clients that check certificates trust the local cloud by trusting
 * `ca.pem` (NODE_EXTRA_CA_CERTS, AWS_CA_BUNDLE, REQUESTS_CA_BUNDLE, `--ca-bundle`). This is what
 * lets a receiver that insists on an `https:` SigningCertURL (AWS's own SNS message validators)
 * fetch the certificate SNS messages are signed with.
 *
 * Made on the first TLS connection, not at start: most runs never speak TLS, and two RSA key pairs
 * cost a few hundred milliseconds. Keys come from node:crypto; node-forge writes the X.509
 * certificates, which node:crypto cannot create.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import { join } from 'node:path';
import type Forge from 'node-forge';
import { AWS_REGIONS } from './regions.js';

const requireFromHere = createRequire(import.meta.url);

/**
 * node-forge (590 KB of CommonJS), loaded when a certificate is first made or read: most starts of
 * the cloud make none, and loading it cost a tenth of the start-up time.
 */
export function loadForge(): typeof Forge {
  return requireFromHere('node-forge') as typeof Forge;
}

const CERT_YEARS = 10;
const DAY_MS = 24 * 3600 * 1000;

export const CA_FILE = 'ca.pem';

/** Where the CA certificate of a data dir lives (to trust the local cloud's HTTPS). */
export function caCertificateFile(dataDir: string): string {
  return join(dataDir, 'tls', CA_FILE);
}

interface Pem {
  key: string;
  cert: string;
}

export class LocalTls {
  private server: Pem | undefined;
  private readonly dir: string;

  constructor(
    dataDir: string,
    /** The host the cloud listens on, named in the server certificate besides the loopback names. */
    private readonly host: string,
  ) {
    this.dir = join(dataDir, 'tls');
  }

  /** The CA certificate's file (made now if it does not exist yet). */
  caFile(): string {
    this.authority();
    return join(this.dir, CA_FILE);
  }

  /** The server's key and certificate in PEM (made, or read from the data dir, on first use). */
  credentials(): Pem {
    this.server ??= this.serverPem();
    return this.server;
  }

  private serverPem(): Pem {
    const names = serverNames(this.host);
    const serverFile = join(
      this.dir,
      `server-${createHash('sha256').update(names.join(' ')).digest('hex').slice(0, 16)}.pem`,
    );
    if (existsSync(serverFile)) return splitPem(readFileSync(serverFile, 'utf8'));
    const ca = this.authority();
    const server = issue(names, ca);
    writeAtomically(serverFile, `${server.key}${server.cert}`, 0o600);
    return server;
  }

  private authority(): Pem {
    const keyFile = join(this.dir, 'ca-key.pem');
    const certFile = join(this.dir, CA_FILE);
    if (existsSync(keyFile) && existsSync(certFile)) {
      return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8') };
    }
    mkdirSync(this.dir, { recursive: true });
    const made = selfSignedAuthority();
    writeAtomically(keyFile, made.key, 0o600);
    // The certificate last: its presence says the pair is complete.
    writeAtomically(certFile, made.cert, 0o644);
    return made;
  }
}

function serverNames(host: string): string[] {
  const names = ['localhost', '127.0.0.1', '::1'];
  if (host && host !== '0.0.0.0' && host !== '::' && !names.includes(host)) names.push(host);
  // Lambda function URLs (`<url-id>.lambda-url.<region>.localhost`): a wildcard covers one label,
  // so one name per region.
  for (const region of AWS_REGIONS) names.push(`*.lambda-url.${region}.localhost`);
  return names;
}

function rsaKeyPair(): { privateKey: string; publicKey: string } {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

function newCertificate(publicKeyPem: string): Forge.pki.Certificate {
  const forge = loadForge();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  // A positive serial (leading 01) unique per certificate.
  cert.serialNumber = `01${Date.now().toString(16)}${Math.floor(Math.random() * 0xffff).toString(16)}`;
  cert.validity.notBefore = new Date(Date.now() - DAY_MS);
  cert.validity.notAfter = new Date(Date.now() + CERT_YEARS * 365 * DAY_MS);
  return cert;
}

function selfSignedAuthority(): Pem {
  const forge = loadForge();
  const { privateKey, publicKey } = rsaKeyPair();
  const cert = newCertificate(publicKey);
  const subject = [
    { name: 'commonName', value: 'lambda-tasks local cloud CA' },
    { name: 'organizationName', value: 'lambda-tasks' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(privateKey), forge.md.sha256.create());
  return { key: privateKey, cert: forge.pki.certificateToPem(cert) };
}

function issue(names: string[], ca: Pem): Pem {
  const forge = loadForge();
  const { privateKey, publicKey } = rsaKeyPair();
  const caCert = forge.pki.certificateFromPem(ca.cert);
  const cert = newCertificate(publicKey);
  cert.setSubject([{ name: 'commonName', value: 'localhost' }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: names.map((name) => (isIP(name) ? { type: 7, ip: name } : { type: 2, value: name })),
    },
    { name: 'subjectKeyIdentifier' },
    {
      name: 'authorityKeyIdentifier',
      keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes(),
    },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(ca.key), forge.md.sha256.create());
  return { key: privateKey, cert: forge.pki.certificateToPem(cert) };
}

function splitPem(text: string): Pem {
  const at = text.indexOf('-----BEGIN CERTIFICATE-----');
  return { key: text.slice(0, at), cert: text.slice(at) };
}

function writeAtomically(file: string, text: string, mode: number): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode });
  renameSync(temporary, file);
}
