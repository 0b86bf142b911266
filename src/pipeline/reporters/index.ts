/** Picks the reporter for where the output goes: JSON on request, live progress in a terminal, plain lines otherwise. */
import type { Output, Reporter } from './format.js';
import { JsonReporter } from './json.js';
import { PlainReporter } from './plain.js';
import { TtyReporter } from './tty.js';

export type { Output, Reporter, ReporterOptions } from './format.js';
export { JsonReporter } from './json.js';
export { PlainReporter } from './plain.js';
export { TtyReporter } from './tty.js';

export interface ReporterChoice {
  out: Output & { isTTY?: boolean; columns?: number };
  env: Readonly<Record<string, string | undefined>>;
  json?: boolean;
  fixedTimes?: boolean;
}

/** CI systems set CI=true (GitHub Actions, GitLab, Bamboo via its agents' env, ...): plain lines there. */
export function isInteractive(out: { isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>): boolean {
  const ci = env['CI'];
  return (
    out.isTTY === true && (ci === undefined || ci === '' || ci === 'false' || ci === '0') && env['TERM'] !== 'dumb'
  );
}

export function chooseReporter(choice: ReporterChoice): Reporter {
  const fixedTimes = choice.fixedTimes ?? false;
  if (choice.json) return new JsonReporter({ out: choice.out, fixedTimes });
  if (isInteractive(choice.out, choice.env)) {
    return new TtyReporter({
      out: choice.out,
      fixedTimes,
      color: !choice.env['NO_COLOR'],
      ...(choice.out.columns ? { columns: choice.out.columns } : {}),
    });
  }
  return new PlainReporter({ out: choice.out, fixedTimes });
}
