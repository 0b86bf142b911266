/**
 * Regenerates docs/cloudformation-resources.md from the CloudFormation provider registry
 * (src/cloud/cloudformation/engine/resource-docs.ts). test/cloud/cloudformation/resource-docs.test.ts
 * fails when the committed file differs, so run this after adding or changing a provider:
 *
 *   node scripts/cfn-resources-doc.mjs
 *
 * The TypeScript source is bundled with esbuild (vite's, already installed) into a temporary file
 * under node_modules.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const OUT = join(ROOT, 'docs', 'cloudformation-resources.md');
// Inside node_modules, so the bundle's imports of packages resolve as the sources' do.
const work = mkdtempSync(join(ROOT, 'node_modules', '.lambda-tasks-docs-'));
try {
  const bundle = join(work, 'resource-docs.mjs');
  await build({
    entryPoints: [join(ROOT, 'src', 'cloud', 'cloudformation', 'engine', 'resource-docs.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile: bundle,
    logLevel: 'error',
  });
  const { resourceTypesMarkdown } = await import(pathToFileURL(bundle).href);
  writeFileSync(OUT, resourceTypesMarkdown());
  console.log(`wrote ${OUT}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
