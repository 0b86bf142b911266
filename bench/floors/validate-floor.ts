/**
 * The least any `validate` built on the same libraries can do: read the pipeline file, parse it
 * with `yaml` (keeping the nodes, for line:column in problems) and check it against a small schema
 * of `zod/mini` with zod's English messages (what src/pipeline/zod.ts sets up). The startup bench
 * bundles this into one file with esbuild and times it beside `lambda-tasks validate`: the distance
 * between the two is what lambda-tasks itself costs.
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { en } from 'zod/locales';
import * as z from 'zod/mini';

z.config(en());
const document = parseDocument(readFileSync(process.argv[2] ?? 'lambda-tasks.yml', 'utf8'));
const step = z.strictObject({
  id: z.string(),
  task: z.string(),
  action: z.optional(z.string()),
  with: z.optional(z.record(z.string(), z.unknown())),
});
const pipeline = z.strictObject({
  name: z.optional(z.string()),
  variables: z.optional(z.record(z.string(), z.unknown())),
  steps: z.array(step).check(z.minLength(1)),
});
const result = pipeline.safeParse(document.toJS());
process.stdout.write(result.success ? `valid: ${result.data.steps.length} steps\n` : `${result.error.message}\n`);
process.exitCode = result.success ? 0 : 2;
