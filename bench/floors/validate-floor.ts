/**
 * The least any `validate` built on the same libraries can do: read the pipeline file, parse it
 * with `yaml` (keeping the nodes, for line:column in problems) and check it against a small zod
 * schema. The startup bench bundles this into one file with esbuild and times it beside
 * `lambda-tasks validate`: the distance between the two is what lambda-tasks itself costs.
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import * as z from 'zod';

z.config({ jitless: true });
const document = parseDocument(readFileSync(process.argv[2] ?? 'lambda-tasks.yml', 'utf8'));
const step = z.strictObject({
  id: z.string(),
  task: z.string(),
  action: z.string().optional(),
  with: z.record(z.string(), z.unknown()).optional(),
});
const pipeline = z.strictObject({
  name: z.string().optional(),
  variables: z.record(z.string(), z.unknown()).optional(),
  steps: z.array(step).min(1),
});
const result = pipeline.safeParse(document.toJS());
process.stdout.write(result.success ? `valid: ${result.data.steps.length} steps\n` : `${result.error.message}\n`);
process.exitCode = result.success ? 0 : 2;
