/**
 * S3: buckets; per bucket its objects by prefix (upload, download, delete, metadata) and its
 * notification configuration.
 */
import { useState } from 'preact/hooks';
import { call, downloadUrl, type Output } from '../api.js';
import { Action, Fields, Json, Page, Section, Show, Table, time, useLoad } from '../components.js';
import { href, type Route } from '../router.js';

export function S3Page({ route }: { route: Route }) {
  const bucket = route.parts[1];
  if (!bucket) return <BucketList />;
  const key = route.query.get('key');
  return key ? (
    <ObjectView bucket={bucket} objectKey={key} />
  ) : (
    <BucketView bucket={bucket} prefix={route.query.get('prefix') ?? ''} />
  );
}

function BucketList() {
  const buckets = useLoad(() => call('s3', 'ListBuckets', {}), [], ['s3']);
  return (
    <Page title="S3 buckets">
      <Show loaded={buckets}>
        {(out) => (
          <Table
            label="Buckets"
            rows={(out['Buckets'] as Output[] | undefined) ?? []}
            empty="No buckets."
            columns={[
              { title: 'Name', render: (b) => <a href={href('s3', b['Name'])}>{b['Name']}</a> },
              { title: 'Created', render: (b) => time(b['CreationDate']) },
            ]}
          />
        )}
      </Show>
    </Page>
  );
}

function BucketView({ bucket, prefix }: { bucket: string; prefix: string }) {
  const listing = useLoad(
    () => call('s3', 'ListObjectsV2', { Bucket: bucket, Prefix: prefix, Delimiter: '/', MaxKeys: 1000 }),
    [bucket, prefix],
    ['s3'],
  );
  const notifications = useLoad(
    () => call('s3', 'GetBucketNotificationConfiguration', { Bucket: bucket }),
    [bucket],
    ['s3'],
  );
  const parent = prefix.split('/').slice(0, -2).join('/');
  return (
    <Page title={`Bucket ${bucket}`} actions={<a href={href('s3')}>All buckets</a>}>
      <p class="breadcrumbs">
        <a href={href('s3', bucket)}>{bucket}</a> / {prefix}
        {prefix && (
          <>
            {' '}
            (<a href={href('s3', bucket, { prefix: parent ? `${parent}/` : '' })}>up</a>)
          </>
        )}
      </p>
      <Upload bucket={bucket} prefix={prefix} onDone={listing.reload} />
      <Show loaded={listing}>
        {(out) => (
          <Table
            label="Objects"
            rows={[
              ...((out['CommonPrefixes'] as Output[] | undefined) ?? []).map((p) => ({
                prefix: p['Prefix'] as string,
              })),
              ...((out['Contents'] as Output[] | undefined) ?? []),
            ]}
            empty="No objects here."
            columns={[
              {
                title: 'Key',
                render: (o: Output) =>
                  o['prefix'] ? (
                    <a href={href('s3', bucket, { prefix: o['prefix'] })}>{o['prefix'].slice(prefix.length)}</a>
                  ) : (
                    <a href={href('s3', bucket, { key: o['Key'] })}>{String(o['Key']).slice(prefix.length)}</a>
                  ),
              },
              { title: 'Size', render: (o: Output) => o['Size'], class: 'num' },
              { title: 'Last modified', render: (o: Output) => time(o['LastModified']) },
              {
                title: '',
                render: (o: Output) =>
                  o['Key'] && (
                    <>
                      <a href={downloadUrl(bucket, o['Key'])} download>
                        Download
                      </a>{' '}
                      <Action
                        kind="danger"
                        confirm={`Delete ${o['Key']}?`}
                        run={() => call('s3', 'DeleteObject', { Bucket: bucket, Key: o['Key'] })}
                      >
                        Delete
                      </Action>
                    </>
                  ),
              },
            ]}
          />
        )}
      </Show>
      <Section title="Notifications">
        <Show loaded={notifications}>{(n) => <Json value={n} />}</Show>
      </Section>
    </Page>
  );
}

function Upload({ bucket, prefix, onDone }: { bucket: string; prefix: string; onDone: () => void }) {
  const [file, setFile] = useState<File>();
  return (
    <form class="inline" onSubmit={(e) => e.preventDefault()}>
      <label class="field">
        <span>Upload to {prefix || '/'}</span>
        <input type="file" onChange={(e) => setFile((e.target as HTMLInputElement).files?.[0])} />
      </label>
      <Action
        run={async () => {
          if (!file) throw new Error('Choose a file first.');
          const bytes = new Uint8Array(await file.arrayBuffer());
          let binary = '';
          for (const byte of bytes) binary += String.fromCharCode(byte);
          await call('s3', 'PutObject', {
            Bucket: bucket,
            Key: `${prefix}${file.name}`,
            Body: { $bytes: btoa(binary) },
            ContentType: file.type || 'application/octet-stream',
          });
          onDone();
        }}
      >
        Upload
      </Action>
    </form>
  );
}

function ObjectView({ bucket, objectKey }: { bucket: string; objectKey: string }) {
  const head = useLoad(() => call('s3', 'HeadObject', { Bucket: bucket, Key: objectKey }), [bucket, objectKey], ['s3']);
  const folder = objectKey.includes('/') ? objectKey.slice(0, objectKey.lastIndexOf('/') + 1) : '';
  return (
    <Page
      title={objectKey}
      actions={
        <a href={href('s3', bucket, { prefix: folder })}>
          Back to {bucket}/{folder}
        </a>
      }
    >
      <Show loaded={head}>
        {(h) => (
          <Fields
            values={{
              Bucket: bucket,
              'Content type': h['ContentType'],
              'Content length': h['ContentLength'],
              ETag: h['ETag'],
              'Last modified': time(h['LastModified']),
              'Version id': h['VersionId'],
              'Storage class': h['StorageClass'],
              Metadata: h['Metadata'] && Object.keys(h['Metadata']).length ? h['Metadata'] : undefined,
            }}
          />
        )}
      </Show>
      <p>
        <a href={downloadUrl(bucket, objectKey)} download>
          Download
        </a>
      </p>
    </Page>
  );
}
