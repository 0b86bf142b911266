/**
 * The task registry declares each action (description, parameters, outputs, whether it plans)
 * without loading its implementation: validating a pipeline must not load the AWS SDK clients.
 * Checked on the module graph esbuild sees (what the bundle loads up front) and on each action's
 * implementation, loaded and compared with its declaration.
 */
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { TASK_REGISTRY } from '../../src/tasks/index.js';
import { loadImplementation } from '../../src/tasks/task.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The source files an output loads before running: its own and those of its static imports. */
function staticInputs(metafile: Metafile, output: string, seen = new Set<string>()): Set<string> {
  if (seen.has(output)) return new Set();
  seen.add(output);
  const files = new Set(Object.keys(metafile.outputs[output]?.inputs ?? {}));
  for (const imported of metafile.outputs[output]?.imports ?? []) {
    if (imported.kind !== 'import-statement' || imported.external) continue;
    for (const file of staticInputs(metafile, imported.path, seen)) files.add(file);
  }
  return files;
}

describe('lazy task actions', () => {
  it('the registry and the pipeline validator load no AWS SDK client until an action runs or plans', async () => {
    const { metafile } = await build({
      absWorkingDir: root,
      entryPoints: ['src/tasks/index.ts', 'src/pipeline/validate.ts'],
      outdir: 'out',
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      write: false,
      metafile: true,
      external: ['better-sqlite3', 'cbor-extract'],
      logLevel: 'silent',
    });
    // Dynamic imports are entry points too: keep the two given.
    const given = ['src/pipeline/validate.ts', 'src/tasks/index.ts'];
    const entries = Object.entries(metafile.outputs).filter(([, output]) => given.includes(output.entryPoint ?? ''));
    expect(entries).toHaveLength(2);
    for (const [output] of entries) {
      const loaded = [...staticInputs(metafile, output)];
      expect(loaded).toContain('src/tasks/lambda-function/params.ts');
      expect(loaded.filter((file) => file.includes('node_modules/@aws-sdk/'))).toEqual([]);
      expect(loaded).not.toContain('src/tasks/lambda-function/deploy.ts');
      // Nor the package task's zipping (yazl, picomatch, ignore).
      expect(loaded.filter((file) => /node_modules\/(yazl|picomatch|ignore)\//.test(file))).toEqual([]);
    }
    // The implementations are there, behind dynamic imports.
    const all = Object.values(metafile.outputs).flatMap((output) => Object.keys(output.inputs));
    expect(all).toContain('src/tasks/lambda-function/deploy.ts');
    expect(all.some((file) => file.includes('node_modules/@aws-sdk/client-lambda/'))).toBe(true);
  }, 30_000);

  it('each action declares the plan its implementation has', async () => {
    let checked = 0;
    for (const [taskName, task] of TASK_REGISTRY) {
      for (const [actionName, action] of Object.entries(task.actions)) {
        const implementation = await loadImplementation(action);
        expect(implementation, `${taskName} ${actionName} is lazy`).toBeDefined();
        expect(typeof implementation?.run, `${taskName} ${actionName}`).toBe('function');
        expect(implementation?.plan !== undefined, `${taskName} ${actionName} plans`).toBe(action.plan !== undefined);
        checked++;
      }
    }
    // package 1, lambda-function 11, s3-object 5, event-source-mapping 5, cloudformation-stack 8.
    expect(checked).toBe(30);
  }, 30_000);
});
