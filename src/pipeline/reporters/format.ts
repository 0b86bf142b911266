/** Text shared by the reporters: times, action events, plan diffs, the summary table, failures. */
import type { ActionEvent, PlannedChange } from '../../tasks/task.js';
import { formatDuration } from '../duration.js';
import type { StepFailure, StepReport } from '../events.js';

/** Where a reporter writes (process.stdout, or a buffer in tests). */
export interface Output {
  write(text: string): void;
}

export interface Reporter {
  onEvent(event: import('../events.js').PipelineEvent): void;
  /** Stops timers (the spinner); call when the run is over. */
  close(): void;
}

export interface ReporterOptions {
  out: Output;
  /**
   * Print `00:00:00` for every clock time and `0 ms` for every duration, so output can be compared
   * in tests (LAMBDA_TASKS_FIXED_TIMES=1 on the CLI).
   * @default false
   */
  fixedTimes?: boolean;
}

export class Clock {
  constructor(private readonly fixed: boolean) {}

  /** `HH:MM:SS` of the local time. */
  time(epochMs: number): string {
    if (this.fixed) return '00:00:00';
    const d = new Date(epochMs);
    return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
  }

  duration(ms: number): string {
    return formatDuration(this.fixed ? 0 : ms);
  }

  /** Whole seconds, for "waiting for X (3 s)". */
  seconds(ms: number): string {
    return `${this.fixed ? 0 : Math.floor(ms / 1000)} s`;
  }
}

/** One line per action event (a log event gives its lines as they are). */
export function actionEventLines(event: ActionEvent, clock: Clock): string[] {
  switch (event.type) {
    case 'info':
      return [event.message];
    case 'skip':
      return [`skipped: ${event.message}`];
    case 'change':
      return [event.message];
    case 'retry':
      return [`retrying: ${event.message}`];
    case 'wait':
      return [`waiting for ${event.what} (${clock.seconds(event.elapsedMs)})`];
    case 'log':
      return event.lines.map((line) => `| ${line}`);
  }
}

const CHANGE_SYMBOL: Readonly<Record<PlannedChange['action'], string>> = {
  create: '+',
  update: '~',
  replace: '-/+',
  delete: '-',
  invoke: '>',
  none: '=',
};

/** A plan's changes as a readable diff: `+ create function hello`, details indented below. */
export function planLines(changes: readonly PlannedChange[]): string[] {
  const lines: string[] = [];
  for (const change of changes) {
    const verb = change.action === 'none' ? 'no change to' : change.action;
    lines.push(`${CHANGE_SYMBOL[change.action]} ${verb} ${change.resource}`);
    for (const detail of change.details) lines.push(`    ${detail}`);
  }
  return lines;
}

/** Details of a failure below its first line: the AWS error and what to do. */
export function failureDetailLines(failure: StepFailure): string[] {
  const lines: string[] = [];
  if (failure.awsCode) {
    const extra = [
      failure.httpStatus !== undefined ? `HTTP ${failure.httpStatus}` : undefined,
      failure.requestId ? `request id ${failure.requestId}` : undefined,
    ].filter(Boolean);
    lines.push(`AWS error: ${failure.awsCode}${extra.length ? ` (${extra.join(', ')})` : ''}`);
  }
  if (failure.hint) lines.push(`what to do: ${failure.hint}`);
  return lines;
}

/** The first line of a (possibly multi-line) message, and the rest. */
export function splitMessage(message: string): [string, string[]] {
  const [first = '', ...rest] = message.split('\n');
  return [first, rest];
}

/** The end-of-run table: step, action, result, time, summary. */
export function summaryTable(steps: readonly StepReport[], clock: Clock): string[] {
  const rows = steps.map((s) => [
    s.id,
    `${s.task} ${s.action}`,
    s.continued ? 'failed (continued)' : s.result,
    clock.duration(s.durationMs),
    splitMessage(s.summary)[0],
  ]);
  const header = ['STEP', 'ACTION', 'RESULT', 'TIME', 'SUMMARY'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** The closing line: `Pipeline hello succeeded in 1.2 s (2 changed, 1 unchanged).` */
export function closingLine(
  event: {
    mode: 'run' | 'plan';
    name: string;
    result: 'succeeded' | 'failed';
    durationMs: number;
    steps: StepReport[];
  },
  clock: Clock,
): string {
  const counts = new Map<string, number>();
  for (const s of event.steps) counts.set(s.result, (counts.get(s.result) ?? 0) + 1);
  const order =
    event.mode === 'plan'
      ? (['changed', 'unchanged', 'unknown', 'skipped', 'failed'] as const)
      : (['changed', 'unchanged', 'skipped', 'failed'] as const);
  const words: Record<string, string> =
    event.mode === 'plan'
      ? {
          changed: 'to change',
          unchanged: 'unchanged',
          unknown: 'known after run',
          skipped: 'skipped',
          failed: 'failed',
        }
      : { changed: 'changed', unchanged: 'unchanged', skipped: 'skipped', failed: 'failed' };
  const parts = order.filter((r) => counts.get(r)).map((r) => `${counts.get(r)} ${words[r]}`);
  const what = event.mode === 'plan' ? 'Plan of pipeline' : 'Pipeline';
  const verb = event.mode === 'plan' ? (event.result === 'succeeded' ? 'made' : 'failed') : event.result;
  return `${what} ${event.name} ${verb} in ${clock.duration(event.durationMs)}${parts.length ? ` (${parts.join(', ')})` : ''}.`;
}
