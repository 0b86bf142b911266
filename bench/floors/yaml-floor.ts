/**
 * `yaml`'s share of the validate floor: read the pipeline file and parse it into a document (with
 * the source positions problems are reported by), nothing else. Bundled into one file and timed
 * beside `lambda-tasks validate` by the startup bench.
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';

const document = parseDocument(readFileSync(process.argv[2] ?? 'lambda-tasks.yml', 'utf8'));
process.stdout.write(document.errors.length ? `${document.errors[0]?.message}\n` : 'parsed\n');
process.exitCode = document.errors.length ? 2 : 0;
