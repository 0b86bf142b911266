/**
 * Plain timestamped lines, for CI logs and piped output: one line per thing that happened, nothing
 * rewritten in place. Waits are reported when they start and then every 10 s, not at every poll.
 */
import type { PipelineEvent } from '../events.js';
import {
  actionEventLines,
  Clock,
  closingLine,
  failureDetailLines,
  planLines,
  type Reporter,
  type ReporterOptions,
  splitMessage,
  summaryTable,
} from './format.js';

const WAIT_REPORT_EVERY_MS = 10_000;

export class PlainReporter implements Reporter {
  private readonly clock: Clock;
  /** Per step: what it waits for and when that was last printed. */
  private readonly waits = new Map<string, { what: string; printedAt: number }>();

  constructor(private readonly options: ReporterOptions) {
    this.clock = new Clock(options.fixedTimes ?? false);
  }

  private line(time: number, text: string): void {
    this.options.out.write(`${this.clock.time(time)} ${text}\n`);
  }

  onEvent(event: PipelineEvent): void {
    switch (event.type) {
      case 'pipeline-start': {
        const count = event.steps.filter((s) => s.selected).length;
        this.line(
          event.time,
          `${event.mode === 'plan' ? 'Planning' : 'Running'} pipeline ${event.name} (${event.file}): ${count} step${count === 1 ? '' : 's'}`,
        );
        return;
      }
      case 'pipeline-info':
        this.line(event.time, event.message);
        return;
      case 'step-start':
        this.line(event.time, `[${event.stepId}] ${event.task} ${event.action}`);
        return;
      case 'step-event': {
        if (event.event.type === 'wait') {
          const last = this.waits.get(event.stepId);
          if (last && last.what === event.event.what && event.event.elapsedMs - last.printedAt < WAIT_REPORT_EVERY_MS) {
            return;
          }
          this.waits.set(event.stepId, { what: event.event.what, printedAt: event.event.elapsedMs });
        }
        for (const text of actionEventLines(event.event, this.clock))
          this.line(event.time, `[${event.stepId}]   ${text}`);
        return;
      }
      case 'step-end': {
        this.waits.delete(event.stepId);
        const [first, rest] = splitMessage(event.summary);
        const label = event.result === 'failed' ? (event.continued ? 'FAILED (continuing)' : 'FAILED') : event.result;
        this.line(event.time, `[${event.stepId}] ${label}: ${first} (${this.clock.duration(event.durationMs)})`);
        const details = [
          ...rest,
          ...(event.changes ? planLines(event.changes) : []),
          ...(event.failure ? failureDetailLines(event.failure) : []),
        ];
        for (const text of details) this.line(event.time, `[${event.stepId}]   ${text}`);
        return;
      }
      case 'pipeline-end': {
        const out = this.options.out;
        out.write('\n');
        for (const row of summaryTable(event.steps, this.clock)) out.write(`${row}\n`);
        out.write('\n');
        this.line(event.time, closingLine(event, this.clock));
        if (event.failure && event.mode === 'run') {
          this.line(event.time, `Step "${event.failure.stepId}" failed: ${splitMessage(event.failure.message)[0]}`);
          for (const text of failureDetailLines(event.failure)) this.line(event.time, `  ${text}`);
        }
        return;
      }
    }
  }

  close(): void {}
}
