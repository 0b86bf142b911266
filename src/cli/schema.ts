/** `lambda-tasks schema`: the pipeline file's JSON Schema, for editors. */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pipelineJsonSchema } from '../pipeline/json-schema.js';
import { type CliIo, processIo } from './io.js';
import type { CommandOptions } from './run.js';

export const schemaUsage = `Usage: lambda-tasks schema [--out FILE]

Prints the JSON Schema of pipeline files (every task's actions and parameters included). For
editors with the YAML language server, save it and start the pipeline file with:

  # yaml-language-server: $schema=./lambda-tasks.schema.json

Options:
  --out FILE             write the schema to FILE instead of stdout`;

export async function runSchemaCommand(
  argv: string[],
  io: CliIo = processIo(),
  command: CommandOptions = {},
): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) {
    io.stdout.write(`${schemaUsage}\n`);
    return 0;
  }
  const text = `${JSON.stringify(pipelineJsonSchema(command.registry), null, 2)}\n`;
  if (values.out !== undefined) writeFileSync(resolve(io.cwd, values.out), text);
  else io.stdout.write(text);
  return 0;
}
