/** IAM: roles (trust policy, attached and inline policies) and the account's managed policies. */
import { call, listAll, type Output } from '../api.js';
import { Fields, Json, Page, Section, Show, Table, Tabs, time, useLoad } from '../components.js';
import { href, type Route } from '../router.js';

const MARKER = { input: 'Marker', output: 'Marker' };

export function IamPage({ route }: { route: Route }) {
  const [, kind = 'roles', name] = route.parts;
  if (kind === 'roles' && name) return <RoleView name={name} />;
  return (
    <Page title="IAM">
      <Tabs
        base={['iam']}
        tabs={[
          ['roles', 'Roles'],
          ['policies', 'Policies'],
        ]}
        current={kind}
      />
      {kind === 'policies' ? <PolicyList /> : <RoleList />}
    </Page>
  );
}

function RoleList() {
  const roles = useLoad(() => listAll('iam', 'ListRoles', 'Roles', MARKER), [], ['iam']);
  return (
    <Show loaded={roles}>
      {(rows) => (
        <Table
          label="Roles"
          rows={rows}
          empty="No roles."
          columns={[
            { title: 'Name', render: (r) => <a href={href('iam', 'roles', r['RoleName'])}>{r['RoleName']}</a> },
            { title: 'ARN', render: (r) => <code>{r['Arn']}</code> },
            { title: 'Created', render: (r) => time(r['CreateDate']) },
          ]}
        />
      )}
    </Show>
  );
}

function PolicyList() {
  const policies = useLoad(() => listAll('iam', 'ListPolicies', 'Policies', MARKER, { Scope: 'Local' }), [], ['iam']);
  return (
    <Show loaded={policies}>
      {(rows) => (
        <Table
          label="Policies"
          rows={rows}
          empty="No customer managed policies."
          columns={[
            { title: 'Name', render: (p) => p['PolicyName'] },
            { title: 'ARN', render: (p) => <code>{p['Arn']}</code> },
            { title: 'Attachments', render: (p) => p['AttachmentCount'], class: 'num' },
            { title: 'Default version', render: (p) => p['DefaultVersionId'] },
          ]}
        />
      )}
    </Show>
  );
}

function decodePolicy(document: string | undefined): unknown {
  if (!document) return undefined;
  try {
    return JSON.parse(decodeURIComponent(document));
  } catch {
    return document;
  }
}

function RoleView({ name }: { name: string }) {
  const role = useLoad(
    async () => {
      const { Role } = await call('iam', 'GetRole', { RoleName: name });
      const attached = await listAll('iam', 'ListAttachedRolePolicies', 'AttachedPolicies', MARKER, { RoleName: name });
      const inlineNames = (await listAll('iam', 'ListRolePolicies', 'PolicyNames', MARKER, {
        RoleName: name,
      })) as unknown as string[];
      const inline = await Promise.all(
        inlineNames.map((policy) => call('iam', 'GetRolePolicy', { RoleName: name, PolicyName: policy })),
      );
      return { role: Role as Output, attached, inline };
    },
    [name],
    ['iam'],
  );
  return (
    <Page title={`Role ${name}`} actions={<a href={href('iam', 'roles')}>All roles</a>}>
      <Show loaded={role}>
        {({ role: r, attached, inline }) => (
          <>
            <Fields
              values={{
                ARN: r['Arn'],
                'Role id': r['RoleId'],
                Path: r['Path'],
                Description: r['Description'],
                Created: time(r['CreateDate']),
              }}
            />
            <Section title="Trust policy">
              <Json value={decodePolicy(r['AssumeRolePolicyDocument'])} />
            </Section>
            <Section title="Attached policies">
              <Table
                label="Attached policies"
                rows={attached}
                empty="None."
                columns={[{ title: 'Policy', render: (p) => p['PolicyArn'] }]}
              />
            </Section>
            <Section title="Inline policies">
              {inline.length === 0 ? (
                <p class="muted">None.</p>
              ) : (
                inline.map((p) => (
                  <div key={p['PolicyName']}>
                    <h3>{p['PolicyName']}</h3>
                    <Json value={decodePolicy(p['PolicyDocument'])} />
                  </div>
                ))
              )}
            </Section>
          </>
        )}
      </Show>
    </Page>
  );
}
