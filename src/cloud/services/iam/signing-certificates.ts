/**
 * Signing certificates: X.509 certificates a user uploads (for the SOAP-era APIs). IAM checks the
 * body is a PEM certificate (node-forge parses it) and keeps at most two per user; nothing here
 * verifies signatures made with them.
 */
import type {
  DeleteSigningCertificateRequest,
  ListSigningCertificatesRequest,
  ListSigningCertificatesResponse,
  SigningCertificate,
  UpdateSigningCertificateRequest,
  UploadSigningCertificateRequest,
  UploadSigningCertificateResponse,
} from '@aws-sdk/client-iam';
import type { RequestContext } from '../../service.js';
import { loadForge } from '../../tls.js';
import { apiDate, indexKey, paginate, uniqueId } from './common.js';
import { IamErrors, IamMessages } from './errors.js';
import type { IamService } from './iam-service.js';
import type { CertificateRecord, KeyStatus } from './key-state.js';
import type { UserRecord } from './user-state.js';

/** Signing certificates one user may have (AWS's fixed quota). */
const CERTIFICATES_PER_USER = 2;

function checkCertificate(body: string): void {
  try {
    loadForge().pki.certificateFromPem(body);
  } catch {
    throw IamErrors.malformedCertificate(body);
  }
}

export function signingCertificateHandlers(iam: IamService) {
  const { keys, state } = iam;

  function certificate(user: UserRecord, id: string): CertificateRecord {
    const found = keys.getCertificate('signing', id);
    if (!found || found.accountId !== user.accountId || found.userKey !== user.name.toLowerCase()) {
      throw IamErrors.noSuchCertificate(id);
    }
    return found;
  }

  const describe = (user: UserRecord, c: CertificateRecord): SigningCertificate => ({
    UserName: user.name,
    CertificateId: c.id,
    CertificateBody: c.body,
    Status: c.status,
    UploadDate: apiDate(c.uploadedAt),
  });

  return {
    UploadSigningCertificate(
      input: UploadSigningCertificateRequest,
      ctx: RequestContext,
    ): UploadSigningCertificateResponse {
      return state.transaction(() => {
        const user = iam.subjectUser(ctx, input.UserName);
        const body = input.CertificateBody as string;
        checkCertificate(body);
        if (keys.certificatesOf(ctx.accountId, user.name, 'signing').length >= CERTIFICATES_PER_USER) {
          throw IamErrors.limitExceeded(IamMessages.certificatesPerUser);
        }
        const uploaded: CertificateRecord = {
          id: uniqueId('', 24),
          kind: 'signing',
          accountId: ctx.accountId,
          userKey: user.name.toLowerCase(),
          body,
          fingerprint: undefined,
          status: 'Active',
          uploadedAt: iam.now(),
        };
        keys.insertCertificate(uploaded);
        return { Certificate: describe(user, uploaded) };
      });
    },

    ListSigningCertificates(
      input: ListSigningCertificatesRequest,
      ctx: RequestContext,
    ): ListSigningCertificatesResponse {
      const user = iam.subjectUser(ctx, input.UserName);
      const page = paginate(keys.certificatesOf(ctx.accountId, user.name, 'signing'), indexKey, input);
      return {
        Certificates: page.items.map((c) => describe(user, c)),
        IsTruncated: page.IsTruncated,
        Marker: page.Marker,
      };
    },

    UpdateSigningCertificate(input: UpdateSigningCertificateRequest, ctx: RequestContext): Record<string, never> {
      state.transaction(() => {
        const found = certificate(iam.subjectUser(ctx, input.UserName), input.CertificateId as string);
        keys.setCertificateStatus('signing', found.id, input.Status as KeyStatus);
      });
      return {};
    },

    DeleteSigningCertificate(input: DeleteSigningCertificateRequest, ctx: RequestContext): Record<string, never> {
      state.transaction(() => {
        const found = certificate(iam.subjectUser(ctx, input.UserName), input.CertificateId as string);
        keys.deleteCertificate('signing', found.id);
      });
      return {};
    },
  };
}
