/**
 * SSH public keys: upload in OpenSSH's format or as PEM, read back in either encoding, the MD5
 * fingerprint, AWS's refusals (unsupported key types, short or malformed keys, duplicates, the
 * five-key quota), status changes and deletes; the AWS CLI reads one on the wire.
 */
import { createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import {
  CreateUserCommand,
  DeleteSSHPublicKeyCommand,
  DeleteUserCommand,
  GetSSHPublicKeyCommand,
  ListSSHPublicKeysCommand,
  UpdateSSHPublicKeyCommand,
  UploadSSHPublicKeyCommand,
} from '@aws-sdk/client-iam';
import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import { awsCli } from '../../helpers/aws-cli.js';
import { failure, randomName, useCloud } from '../../helpers/cloud.js';
import { RSA_1024_KEY, RSA_2048_KEYS } from './ssh-keys.fixture.js';

const t = useCloud();
const aws = awsCli(() => t.url);
const generate = promisify(generateKeyPair);

const rsaKey = (index: number) => createPublicKey(RSA_2048_KEYS[index] as string);

const pem = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();

/** The key as `ssh-rsa AAAA... comment`, made by node-forge (another implementation than the server's). */
const openSsh = (key: KeyObject, comment = 'me@laptop') =>
  forge.ssh.publicKeyToOpenSSH(forge.pki.publicKeyFromPem(pem(key)) as forge.pki.rsa.PublicKey, comment).trim();

const md5Fingerprint = (key: KeyObject) =>
  forge.ssh.getPublicKeyFingerprint(forge.pki.publicKeyFromPem(pem(key)) as forge.pki.rsa.PublicKey, {
    encoding: 'hex',
    delimiter: ':',
  }) as string;

/** An ssh-ed25519 line: a valid SSH key of a type IAM does not take. */
async function ed25519Line(): Promise<string> {
  const { publicKey } = await generate('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url');
  const field = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return `ssh-ed25519 ${Buffer.concat([field(Buffer.from('ssh-ed25519')), field(raw)]).toString('base64')}`;
}

async function newUser() {
  const iam = t.iam();
  const UserName = randomName('ssh');
  await iam.send(new CreateUserCommand({ UserName }));
  return { iam, UserName };
}

describe('SSH public keys', () => {
  it('uploads a key, answers it in either encoding, lists, deactivates and deletes it', async () => {
    const { iam, UserName } = await newUser();
    const key = rsaKey(0);
    const body = openSsh(key);
    const { SSHPublicKey } = await iam.send(new UploadSSHPublicKeyCommand({ UserName, SSHPublicKeyBody: body }));
    expect(SSHPublicKey).toEqual({
      UserName,
      SSHPublicKeyId: expect.stringMatching(/^APKA[A-Z2-7]{17}$/),
      Fingerprint: md5Fingerprint(key),
      SSHPublicKeyBody: body,
      Status: 'Active',
      UploadDate: expect.any(Date),
    });
    const SSHPublicKeyId = SSHPublicKey?.SSHPublicKeyId as string;
    const get = (Encoding: 'SSH' | 'PEM') =>
      iam.send(new GetSSHPublicKeyCommand({ UserName, SSHPublicKeyId, Encoding }));
    expect((await get('SSH')).SSHPublicKey).toEqual(SSHPublicKey);
    expect((await get('PEM')).SSHPublicKey?.SSHPublicKeyBody).toBe(pem(key));

    // The same key again (in another encoding) is a duplicate.
    expect(await failure(iam.send(new UploadSSHPublicKeyCommand({ UserName, SSHPublicKeyBody: pem(key) })))).toEqual({
      name: 'DuplicateSSHPublicKeyException',
      message: 'The request was rejected because the SSH public key is already associated with the specified IAM user.',
      status: 400,
    });

    await iam.send(new UpdateSSHPublicKeyCommand({ UserName, SSHPublicKeyId, Status: 'Inactive' }));
    expect((await iam.send(new ListSSHPublicKeysCommand({ UserName }))).SSHPublicKeys).toEqual([
      { UserName, SSHPublicKeyId, Status: 'Inactive', UploadDate: SSHPublicKey?.UploadDate },
    ]);
    // The CLI (botocore) reads it on the wire.
    expect(
      await aws.json(
        'iam',
        'get-ssh-public-key',
        '--user-name',
        UserName,
        '--ssh-public-key-id',
        SSHPublicKeyId,
        '--encoding',
        'PEM',
      ),
    ).toMatchObject({ SSHPublicKey: { SSHPublicKeyId, Status: 'Inactive', SSHPublicKeyBody: pem(key) } });

    expect(await failure(iam.send(new DeleteUserCommand({ UserName })))).toEqual({
      name: 'DeleteConflictException',
      message: 'Cannot delete entity, must delete SSH public keys first.',
      status: 409,
    });
    await iam.send(new DeleteSSHPublicKeyCommand({ UserName, SSHPublicKeyId }));
    expect(await failure(get('SSH'))).toEqual({
      name: 'NoSuchEntityException',
      message: `The Public Key with id ${SSHPublicKeyId} cannot be found.`,
      status: 404,
    });
    await iam.send(new DeleteUserCommand({ UserName }));
  });

  it('refuses keys IAM does not take, with the error for each', async () => {
    const { iam, UserName } = await newUser();
    const upload = (SSHPublicKeyBody: string) =>
      failure(iam.send(new UploadSSHPublicKeyCommand({ UserName, SSHPublicKeyBody })));
    const unrecognized = {
      name: 'UnrecognizedPublicKeyEncodingException',
      message: 'The request was rejected because the public key encoding format is unsupported or unrecognized.',
      status: 400,
    };
    const invalid = {
      name: 'InvalidPublicKeyException',
      message: 'The request was rejected because the public key is malformed or otherwise invalid.',
      status: 400,
    };
    expect(await upload(await ed25519Line())).toEqual(unrecognized);
    expect(await upload('not a key at all')).toEqual(unrecognized);
    expect(await upload(openSsh(createPublicKey(RSA_1024_KEY)))).toEqual(invalid);
    expect(await upload('ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAB')).toEqual(invalid);
    expect(await upload('-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----')).toEqual(invalid);
    expect((await iam.send(new ListSSHPublicKeysCommand({ UserName }))).SSHPublicKeys).toEqual([]);
    await iam.send(new DeleteUserCommand({ UserName }));
  });

  it('keeps at most five keys per user', async () => {
    const { iam, UserName } = await newUser();
    const keys = RSA_2048_KEYS.map((_, i) => rsaKey(i));
    const ids: string[] = [];
    for (const key of keys.slice(0, 5)) {
      const { SSHPublicKey } = await iam.send(new UploadSSHPublicKeyCommand({ UserName, SSHPublicKeyBody: pem(key) }));
      ids.push(SSHPublicKey?.SSHPublicKeyId as string);
    }
    expect(
      await failure(iam.send(new UploadSSHPublicKeyCommand({ UserName, SSHPublicKeyBody: pem(keys[5] as KeyObject) }))),
    ).toEqual({ name: 'LimitExceededException', message: 'Cannot exceed quota for KeysPerUser: 5', status: 409 });
    for (const SSHPublicKeyId of ids) await iam.send(new DeleteSSHPublicKeyCommand({ UserName, SSHPublicKeyId }));
    await iam.send(new DeleteUserCommand({ UserName }));
  });
});
