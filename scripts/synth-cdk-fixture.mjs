/**
 * Regenerates test/fixtures/cdk/hello.template.json: a template synthesized by the AWS CDK
 * (aws-cdk-lib) for a Lambda function with its role and a permission, so the local cloud is
 * tested against what CDK really emits. aws-cdk-lib is large and only needed here, so it is
 * installed into a temporary directory instead of being a dependency.
 *
 *   node scripts/synth-cdk-fixture.mjs
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const OUT = join(ROOT, 'test', 'fixtures', 'cdk', 'hello.template.json');
const work = mkdtempSync(join(tmpdir(), 'lambda-tasks-cdk-'));

const app = `
const cdk = require('aws-cdk-lib');
const lambda = require('aws-cdk-lib/aws-lambda');
const iam = require('aws-cdk-lib/aws-iam');

const app = new cdk.App({ analyticsReporting: false, outdir: process.argv[2] });
const stack = new cdk.Stack(app, 'Hello', {
  synthesizer: new cdk.DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
});
const fn = new lambda.Function(stack, 'HelloFunction', {
  runtime: lambda.Runtime.NODEJS_22_X,
  handler: 'index.handler',
  code: lambda.Code.fromInline('exports.handler = async (event) => ({ hello: event.name ?? "world", from: "cdk" });'),
  timeout: cdk.Duration.seconds(10),
  environment: { GREETING: 'hello' },
});
fn.addPermission('InvokeFromS3', {
  principal: new iam.ServicePrincipal('s3.amazonaws.com'),
  sourceAccount: stack.account,
});
new cdk.CfnOutput(stack, 'FunctionName', { value: fn.functionName });
new cdk.CfnOutput(stack, 'FunctionArn', { value: fn.functionArn });
app.synth();
`;

try {
  writeFileSync(join(work, 'app.js'), app);
  execFileSync('npm', ['install', '--silent', '--no-audit', '--no-fund', 'aws-cdk-lib@2', 'constructs@10'], {
    cwd: work,
    stdio: 'inherit',
  });
  execFileSync(process.execPath, ['app.js', join(work, 'cdk.out')], { cwd: work, stdio: 'inherit' });
  const template = JSON.parse(readFileSync(join(work, 'cdk.out', 'Hello.template.json'), 'utf8'));
  const version = JSON.parse(readFileSync(join(work, 'node_modules', 'aws-cdk-lib', 'package.json'), 'utf8')).version;
  template.Metadata = { ...template.Metadata, 'lambda-tasks:synthesized-by': `aws-cdk-lib ${version}` };
  writeFileSync(OUT, `${JSON.stringify(template, null, 2)}\n`);
  process.stdout.write(`wrote ${OUT} (aws-cdk-lib ${version})\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
