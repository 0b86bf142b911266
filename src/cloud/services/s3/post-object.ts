/**
 * POST Object: browser-based uploads with an HTML form (multipart/form-data), as S3 documents them
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/RESTObjectPOST.html and sigv4-HTTPPOSTForms).
 * The form carries no Authorization header: it is authenticated by its policy (a base64 JSON
 * document with an expiration and conditions every field must meet), signed with SigV4
 * (x-amz-algorithm / x-amz-credential / x-amz-date / x-amz-signature) or SigV2 (AWSAccessKeyId /
 * signature). Fields after the file are ignored, as S3 ignores them. The object is stored as a
 * PutObject would store it and fires `s3:ObjectCreated:Post`.
 *
 * The form is parsed with the multipart parser built into Node (undici's `Response.formData()`),
 * which holds the whole body in memory: fine for a local cloud's browser uploads.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { AuthFailure, type Credentials, signingKey } from '../../auth/sigv4.js';
import { authError } from '../../auth-errors.js';
import type { CloudContext } from '../../context.js';
import { AwsError } from '../../errors.js';
import { headerValue, type WireResponse } from '../../protocol/codec.js';
import { loadModel, shapeOf } from '../../protocol/model.js';
import { parseXmlDocument, readXmlValue } from '../../protocol/shape-xml.js';
import { escapeXml, escapeXmlAttribute } from '../../protocol/values.js';
import type { HttpRequest, RequestContext } from '../../service.js';
import { validateTags } from './buckets.js';
import { S3Errors } from './errors.js';
import { versionEvent } from './notifications-outbox.js';
import { lockForNewObject } from './object-lock.js';
import { checkNewKey, MAX_PUT_BYTES, objectHeadersFrom, type S3Service } from './s3-service.js';
import { type Bucket, newVersionId, type Tag } from './state.js';

const PostErrors = {
  notMultipart: () =>
    new AwsError('RequestIsNotMultiPartContent', 'Bucket POST must be of the enclosure-type multipart/form-data.', 400),
  malformed: () =>
    new AwsError('MalformedPOSTRequest', 'The body of your POST request is not well-formed multipart/form-data.', 400),
  missingField: (name: string) =>
    S3Errors.invalidArgument(
      `Bucket POST must contain a field named '${name}'.  If it is specified, please check the order of the fields.`,
      name,
      '',
    ),
  noFile: () =>
    new AwsError('InvalidArgument', 'POST requires exactly one file upload per request.', 400, {
      ArgumentName: 'file',
      ArgumentValue: 0,
    }),
  invalidPolicy: (detail: string) => new AwsError('InvalidPolicyDocument', `Invalid Policy: ${detail}`, 400),
  policyDenied: (detail: string) => new AwsError('AccessDenied', `Invalid according to Policy: ${detail}`, 403),
  entityTooSmall: (size: number, min: number) =>
    new AwsError('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', 400, {
      ProposedSize: size,
      MinSizeAllowed: min,
    }),
  invalidStorageClass: (value: string) =>
    new AwsError('InvalidStorageClass', 'The storage class you specified is not valid', 400, {
      StorageClassRequested: value,
    }),
};

/** SigV4 form fields, all required once one is present, as S3 names them in its errors. */
const SIGV4_FIELDS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Signature'];
const SIGV2_FIELDS = ['AWSAccessKeyId', 'Signature'];
/** Fields no policy condition needs to name. */
const UNCHECKED_FIELDS = new Set(['policy', 'x-amz-signature', 'signature', 'awsaccesskeyid', 'file']);

/** The form as S3 reads it: fields before the file (names compared case-insensitively), then the file. */
interface PostForm {
  /** By lower-cased name; the first of repeated fields. */
  fields: Map<string, { name: string; value: string }>;
  file: { bytes: Buffer | Blob; filename: string | undefined; size: number };
}

type PolicyCondition = Record<string, unknown> | unknown[];

/**
 * Answers `POST /bucket` with a form body (the bucket named by the path or by a virtual host), or
 * returns undefined for every other request. Requests signed in their Authorization header are
 * S3's other POSTs (DeleteObjects, multipart uploads) and go through.
 */
export function postObjectHandler(s3: S3Service, cloud: CloudContext) {
  return async (request: HttpRequest): Promise<WireResponse | undefined> => {
    if (request.method !== 'POST' || request.query.length > 0 || headerValue(request.headers, 'authorization'))
      return undefined;
    const bucketName = bucketOnlyPath(request.path);
    if (bucketName === undefined) return undefined;
    const contentType = headerValue(request.headers, 'content-type') ?? '';
    if (!/^multipart\/form-data\s*;/i.test(contentType)) throw PostErrors.notMultipart();
    const form = await readForm(request.body, contentType);
    return upload(s3, cloud, request, bucketName, form);
  };
}

/** `/bucket` or `/bucket/` -> the bucket; anything with a key -> undefined. */
function bucketOnlyPath(path: string): string | undefined {
  const match = /^\/([^/]+)\/?$/.exec(path);
  if (!match) return undefined;
  try {
    return decodeURIComponent(match[1] as string);
  } catch {
    return undefined;
  }
}

async function readForm(body: Readable, contentType: string): Promise<PostForm> {
  let entries: [string, string | Blob][];
  try {
    const web = Readable.toWeb(body) as unknown as ConstructorParameters<typeof Response>[0];
    const data = await new Response(web, { headers: { 'content-type': contentType } }).formData();
    entries = [...data.entries()] as [string, string | Blob][];
  } catch {
    throw PostErrors.malformed();
  }
  const fields = new Map<string, { name: string; value: string }>();
  for (const [name, value] of entries) {
    const lower = name.toLowerCase();
    if (lower === 'file') {
      // S3 reads no further than the file.
      if (typeof value === 'string') {
        const bytes = Buffer.from(value);
        return { fields, file: { bytes, filename: undefined, size: bytes.length } };
      }
      return { fields, file: { bytes: value, filename: fileName(value), size: value.size } };
    }
    if (!fields.has(lower))
      fields.set(lower, { name, value: typeof value === 'string' ? value : (fileName(value) ?? '') });
  }
  throw PostErrors.noFile();
}

/** The name a file part was sent with (undici gives file parts as File, a Blob with a name). */
function fileName(blob: Blob): string | undefined {
  return (blob as Blob & { name?: string }).name;
}

async function upload(
  s3: S3Service,
  cloud: CloudContext,
  request: HttpRequest,
  bucketName: string,
  form: PostForm,
): Promise<WireResponse> {
  const field = (name: string) => form.fields.get(name.toLowerCase())?.value;
  if (!s3.state.getBucket(bucketName)) throw S3Errors.noSuchBucket(bucketName);
  const keyField = field('key');
  if (!keyField) throw PostErrors.missingField('key');
  const caller = authenticate(cloud, form);
  const policy = readPolicy(field('policy') as string, cloud.now());
  checkConditions(policy.conditions, form, bucketName);

  const ctx: RequestContext = {
    requestId: request.requestId,
    region: caller.region,
    accountId: caller.credentials.accountId,
    credentials: caller.credentials,
    endpoint: request.endpoint,
    trailers: Promise.resolve({}),
    cloud,
    // What storeBody reads: the file's length and the checksum fields the form may carry.
    headers: {
      'content-length': String(form.file.size),
      ...Object.fromEntries(
        [...form.fields.entries()]
          .filter(([name]) => name.startsWith('x-amz-checksum-'))
          .map(([name, { value }]) => [name, value]),
      ),
    },
  };
  const bucket = s3.bucket(bucketName, ctx);
  // biome-ignore lint/suspicious/noTemplateCurlyInString: S3's own placeholder for the file's name, not a template.
  const key = checkNewKey(keyField.replaceAll('${filename}', form.file.filename ?? ''));
  if (form.file.size > MAX_PUT_BYTES) throw S3Errors.entityTooLarge(form.file.size, MAX_PUT_BYTES);
  const storageClass = field('x-amz-storage-class');
  if (storageClass !== undefined && !storageClasses().has(storageClass))
    throw PostErrors.invalidStorageClass(storageClass);
  const tags = validateTags(readTagging(field('tagging')));
  const lock = lockForNewObject(bucket, {}, Date.now());
  const body =
    form.file.bytes instanceof Blob
      ? Readable.fromWeb(form.file.bytes.stream() as unknown as WebReadableStream<Uint8Array>)
      : Readable.from([form.file.bytes]);
  const stored = await s3.storeBody(body, ctx);
  const metadata: Record<string, string> = {};
  for (const [name, { value }] of form.fields)
    if (name.startsWith('x-amz-meta-')) metadata[name.slice('x-amz-meta-'.length)] = value;
  const { replacedBlobs, version } = s3.notifications.record(
    bucket,
    ctx,
    () =>
      s3.state.putVersion(
        {
          bucket: bucket.name,
          key,
          deleteMarker: false,
          blob: stored.blob,
          size: stored.size,
          etag: stored.etag,
          lastModified: Date.now(),
          headers: objectHeadersFrom(
            {
              ContentType: field('content-type'),
              CacheControl: field('cache-control'),
              ContentEncoding: field('content-encoding'),
              ContentDisposition: field('content-disposition'),
              WebsiteRedirectLocation: field('x-amz-website-redirect-location'),
              ServerSideEncryption: field('x-amz-server-side-encryption'),
              StorageClass: storageClass,
            },
            field('expires'),
          ),
          metadata,
          tags,
          checksum: stored.checksum,
          partsCount: undefined,
          lock,
        },
        s3.versionIdFor(bucket, newVersionId),
      ),
    (result) => [versionEvent(bucket, 'ObjectCreated:Post', result.version)],
  );
  for (const blob of replacedBlobs) s3.blobs.remove(blob);
  return answer(request, bucket, key, stored.etag, version.versionId, form);
}

/** The caller the form's signature names, after checking the signature over the policy. */
function authenticate(cloud: CloudContext, form: PostForm): { credentials: Credentials; region: string } {
  const field = (name: string) => form.fields.get(name.toLowerCase())?.value;
  const present = (names: string[]) => names.some((name) => field(name) !== undefined);
  const sigV4 = present(SIGV4_FIELDS);
  const sigV2 = !sigV4 && present(SIGV2_FIELDS);
  // An unsigned form is an anonymous upload, which only a public bucket would take.
  if (!sigV4 && !sigV2) throw S3Errors.accessDenied();
  for (const name of sigV4 ? SIGV4_FIELDS : SIGV2_FIELDS)
    if (field(name) === undefined) throw PostErrors.missingField(name);
  const policy = field('policy');
  if (policy === undefined) throw PostErrors.missingField('Policy');

  let accessKeyId: string;
  let region = cloud.region;
  let expected: (secret: string) => string;
  const provided = (sigV4 ? field('x-amz-signature') : field('signature')) as string;
  if (sigV4) {
    const algorithm = field('x-amz-algorithm');
    if (algorithm !== 'AWS4-HMAC-SHA256')
      throw S3Errors.invalidArgument('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"', 'X-Amz-Algorithm', algorithm);
    const credential = (field('x-amz-credential') as string).split('/');
    const [id, date, scopeRegion, service, terminator] = credential;
    if (credential.length !== 5 || !id || !date || !scopeRegion || service !== 's3' || terminator !== 'aws4_request')
      throw S3Errors.invalidArgument(
        'Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
        'X-Amz-Credential',
        field('x-amz-credential'),
      );
    accessKeyId = id;
    region = scopeRegion;
    expected = (secret) =>
      createHmac('sha256', signingKey(secret, date, scopeRegion, 's3'))
        .update(policy)
        .digest('hex');
  } else {
    accessKeyId = field('awsaccesskeyid') as string;
    expected = (secret) => createHmac('sha1', secret).update(policy).digest('base64');
  }
  const credentials = cloud.credentials.lookup(accessKeyId);
  if (!credentials) throw authError(new AuthFailure('UnknownAccessKey', 'unknown key', { accessKeyId }), 'rest-xml');
  const signature = expected(credentials.secretAccessKey);
  if (signature.length !== provided.length || !timingSafeEqual(Buffer.from(signature), Buffer.from(provided))) {
    throw authError(
      new AuthFailure('SignatureMismatch', 'signature mismatch', {
        accessKeyId,
        signatureProvided: provided,
        stringToSign: policy,
      }),
      'rest-xml',
    );
  }
  const token = field('x-amz-security-token');
  if (credentials.sessionToken !== undefined ? token !== credentials.sessionToken : token !== undefined)
    throw authError(new AuthFailure('InvalidToken', 'invalid token'), 'rest-xml');
  if (credentials.expiresAt !== undefined && credentials.expiresAt <= cloud.now())
    throw authError(new AuthFailure('ExpiredToken', 'expired token'), 'rest-xml');
  return { credentials, region };
}

/** The policy document, checked for form and expiry. */
function readPolicy(encoded: string, now: number): { conditions: PolicyCondition[] } {
  let document: unknown;
  try {
    document = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch {
    throw PostErrors.invalidPolicy('Invalid JSON.');
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document))
    throw PostErrors.invalidPolicy('Invalid JSON.');
  const { expiration, conditions } = document as { expiration?: unknown; conditions?: unknown };
  if (expiration === undefined) throw PostErrors.invalidPolicy('Missing expiration.');
  const expiresAt = typeof expiration === 'string' ? Date.parse(expiration) : Number.NaN;
  if (Number.isNaN(expiresAt)) throw PostErrors.invalidPolicy('Invalid expiration.');
  if (!Array.isArray(conditions)) throw PostErrors.invalidPolicy('Missing conditions.');
  if (expiresAt < now) throw PostErrors.policyDenied('Policy expired.');
  return { conditions: conditions as PolicyCondition[] };
}

/** How S3 quotes a failed condition: `["eq", "$key", "user/eric/"]`. */
function describeCondition(parts: unknown[]): string {
  return `[${parts.map((part) => JSON.stringify(part)).join(', ')}]`;
}

/**
 * Every condition must hold (exact matches, `starts-with`, `content-length-range`), and every field
 * but the signature's, the file and `x-ignore-*` ones must be named by a condition.
 */
function checkConditions(conditions: PolicyCondition[], form: PostForm, bucket: string): void {
  const named = new Set<string>();
  const fieldValue = (name: string) => (name === 'bucket' ? bucket : (form.fields.get(name)?.value ?? ''));
  for (const condition of conditions) {
    let operator: string;
    let target: unknown;
    let expected: unknown;
    let quoted: unknown[];
    if (Array.isArray(condition)) {
      [operator, target, expected] = [String(condition[0]).toLowerCase(), condition[1], condition[2]];
      quoted = condition;
    } else if (typeof condition === 'object' && condition !== null) {
      const entries = Object.entries(condition);
      if (entries.length !== 1)
        throw PostErrors.invalidPolicy(
          'Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.',
        );
      const [name, value] = entries[0] as [string, unknown];
      [operator, target, expected] = ['eq', `$${name}`, value];
      quoted = ['eq', `$${name}`, value];
    } else {
      throw PostErrors.invalidPolicy('Invalid Condition.');
    }
    if (operator === 'content-length-range') {
      const [min, max] = [Number(target), Number(expected)];
      if (!Number.isInteger(min) || !Number.isInteger(max))
        throw PostErrors.invalidPolicy('Invalid content-length-range.');
      if (form.file.size < min) throw PostErrors.entityTooSmall(form.file.size, min);
      if (form.file.size > max) throw S3Errors.entityTooLarge(form.file.size, max);
      continue;
    }
    if (typeof target !== 'string' || !target.startsWith('$') || typeof expected !== 'string')
      throw PostErrors.invalidPolicy(`Invalid Condition: ${describeCondition(quoted)}`);
    const name = target.slice(1).toLowerCase();
    named.add(name);
    const actual = fieldValue(name);
    const holds =
      operator === 'eq' ? actual === expected : operator === 'starts-with' ? actual.startsWith(expected) : undefined;
    if (holds === undefined) throw PostErrors.invalidPolicy(`Invalid Condition: ${describeCondition(quoted)}`);
    if (!holds) throw PostErrors.policyDenied(`Policy Condition failed: ${describeCondition(quoted)}`);
  }
  const extra = [...form.fields.entries()]
    .filter(([lower]) => !named.has(lower) && !UNCHECKED_FIELDS.has(lower) && !lower.startsWith('x-ignore-'))
    .map(([, { name }]) => name);
  if (extra.length) throw PostErrors.policyDenied(`Extra input fields: ${extra.join(', ')}`);
}

/** The `tagging` field: a Tagging XML document, as PutObjectTagging takes it. */
function readTagging(xml: string | undefined): Tag[] {
  if (!xml) return [];
  const tagging = readXmlValue(loadModel('s3'), { shape: 'Tagging' }, parseXmlDocument(xml)) as
    | { TagSet?: Tag[] }
    | undefined;
  return tagging?.TagSet ?? [];
}

let knownStorageClasses: Set<string> | undefined;
/** The storage classes of S3's model. */
function storageClasses(): Set<string> {
  knownStorageClasses ??= new Set(shapeOf(loadModel('s3'), 'StorageClass').enum ?? []);
  return knownStorageClasses;
}

/**
 * S3's answer: a 303 to success_action_redirect (with bucket, key and etag in its query), else the
 * success_action_status asked for: 200, 201 with a PostResponse document, or 204 (the default).
 */
function answer(
  request: HttpRequest,
  bucket: Bucket,
  key: string,
  etag: string,
  versionId: string,
  form: PostForm,
): WireResponse {
  const field = (name: string) => form.fields.get(name)?.value;
  const encodedKey = key.split('/').map(encodeURIComponent).join('/');
  const host = headerValue(request.headers, 'host') ?? '';
  const location = host.startsWith(`${bucket.name}.`)
    ? `${request.endpoint}/${encodedKey}`
    : `${request.endpoint}/${encodeURIComponent(bucket.name)}/${encodedKey}`;
  const headers: Record<string, string> = {
    etag,
    location,
    'x-amz-server-side-encryption': field('x-amz-server-side-encryption') ?? 'AES256',
    ...(bucket.versioning ? { 'x-amz-version-id': versionId } : {}),
  };
  const redirect = field('success_action_redirect') ?? field('redirect');
  if (redirect && URL.canParse(redirect)) {
    const target = new URL(redirect);
    target.searchParams.append('bucket', bucket.name);
    target.searchParams.append('key', key);
    target.searchParams.append('etag', etag);
    return { status: 303, headers: { ...headers, location: target.toString() }, body: '' };
  }
  const status = field('success_action_status');
  if (status === '201') {
    const body =
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<PostResponse><Location>${escapeXml(location)}</Location><Bucket>${escapeXml(bucket.name)}</Bucket>` +
      `<Key>${escapeXml(key)}</Key><ETag>${escapeXmlAttribute(etag)}</ETag></PostResponse>`;
    return { status: 201, headers: { ...headers, 'content-type': 'application/xml' }, body };
  }
  return { status: status === '200' ? 200 : 204, headers, body: '' };
}
