/**
 * SSH public keys: RSA keys a user uploads (for CodeCommit). IAM checks the key (ssh-key-format.ts),
 * refuses one the user already has, and keeps at most five per user; GetSSHPublicKey answers in
 * OpenSSH's format or as PEM, whichever format the key was uploaded in.
 */
import type {
  DeleteSSHPublicKeyRequest,
  GetSSHPublicKeyRequest,
  GetSSHPublicKeyResponse,
  ListSSHPublicKeysRequest,
  ListSSHPublicKeysResponse,
  SSHPublicKey,
  UpdateSSHPublicKeyRequest,
  UploadSSHPublicKeyRequest,
  UploadSSHPublicKeyResponse,
} from '@aws-sdk/client-iam';
import { AwsError } from '../../errors.js';
import type { RequestContext } from '../../service.js';
import { apiDate, indexKey, paginate, uniqueId } from './common.js';
import { IamErrors, IamMessages } from './errors.js';
import type { IamService } from './iam-service.js';
import type { CertificateRecord, KeyStatus } from './key-state.js';
import { encodeSshPublicKey, parseSshPublicKey } from './ssh-key-format.js';
import type { UserRecord } from './user-state.js';

/** SSH public keys one user may have (AWS's fixed quota). */
const SSH_KEYS_PER_USER = 5;

const duplicate = () =>
  new AwsError(
    'DuplicateSSHPublicKey',
    'The request was rejected because the SSH public key is already associated with the specified IAM user.',
  );

export function sshPublicKeyHandlers(iam: IamService) {
  const { keys, state } = iam;

  function sshKey(user: UserRecord, id: string): CertificateRecord {
    const found = keys.getCertificate('ssh', id);
    if (!found || found.accountId !== user.accountId || found.userKey !== user.name.toLowerCase()) {
      throw IamErrors.noSuchSshKey(id);
    }
    return found;
  }

  const describe = (user: UserRecord, k: CertificateRecord, body: string): SSHPublicKey => ({
    UserName: user.name,
    SSHPublicKeyId: k.id,
    Fingerprint: k.fingerprint as string,
    SSHPublicKeyBody: body,
    Status: k.status,
    UploadDate: apiDate(k.uploadedAt),
  });

  return {
    UploadSSHPublicKey(input: UploadSSHPublicKeyRequest, ctx: RequestContext): UploadSSHPublicKeyResponse {
      const body = input.SSHPublicKeyBody as string;
      const parsed = parseSshPublicKey(body);
      return state.transaction(() => {
        const user = iam.user(ctx.accountId, input.UserName as string);
        const existing = keys.certificatesOf(ctx.accountId, user.name, 'ssh');
        if (existing.some((k) => k.fingerprint === parsed.fingerprint)) throw duplicate();
        if (existing.length >= SSH_KEYS_PER_USER) throw IamErrors.limitExceeded(IamMessages.sshKeysPerUser);
        const uploaded: CertificateRecord = {
          id: uniqueId('APKA'),
          kind: 'ssh',
          accountId: ctx.accountId,
          userKey: user.name.toLowerCase(),
          body,
          fingerprint: parsed.fingerprint,
          status: 'Active',
          uploadedAt: iam.now(),
        };
        keys.insertCertificate(uploaded);
        return { SSHPublicKey: describe(user, uploaded, body) };
      });
    },

    GetSSHPublicKey(input: GetSSHPublicKeyRequest, ctx: RequestContext): GetSSHPublicKeyResponse {
      const user = iam.user(ctx.accountId, input.UserName as string);
      const found = sshKey(user, input.SSHPublicKeyId as string);
      const encoding = input.Encoding as 'SSH' | 'PEM';
      // A key asked for in the format it was uploaded in comes back as uploaded.
      const uploadedAsPem = found.body.trim().startsWith('-----BEGIN');
      const body =
        uploadedAsPem === (encoding === 'PEM')
          ? found.body
          : encodeSshPublicKey(parseSshPublicKey(found.body), encoding);
      return { SSHPublicKey: describe(user, found, body) };
    },

    ListSSHPublicKeys(input: ListSSHPublicKeysRequest, ctx: RequestContext): ListSSHPublicKeysResponse {
      const user = iam.subjectUser(ctx, input.UserName);
      const page = paginate(keys.certificatesOf(ctx.accountId, user.name, 'ssh'), indexKey, input);
      return {
        SSHPublicKeys: page.items.map((k) => ({
          UserName: user.name,
          SSHPublicKeyId: k.id,
          Status: k.status,
          UploadDate: apiDate(k.uploadedAt),
        })),
        IsTruncated: page.IsTruncated,
        Marker: page.Marker,
      };
    },

    UpdateSSHPublicKey(input: UpdateSSHPublicKeyRequest, ctx: RequestContext): Record<string, never> {
      state.transaction(() => {
        const found = sshKey(iam.user(ctx.accountId, input.UserName as string), input.SSHPublicKeyId as string);
        keys.setCertificateStatus('ssh', found.id, input.Status as KeyStatus);
      });
      return {};
    },

    DeleteSSHPublicKey(input: DeleteSSHPublicKeyRequest, ctx: RequestContext): Record<string, never> {
      state.transaction(() => {
        const found = sshKey(iam.user(ctx.accountId, input.UserName as string), input.SSHPublicKeyId as string);
        keys.deleteCertificate('ssh', found.id);
      });
      return {};
    },
  };
}
