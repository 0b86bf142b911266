/**
 * Live progress in a terminal: the running step on one line that a spinner redraws, with its
 * elapsed time and what it is doing ("waiting for LastUpdateStatus Successful (3 s)"); finished
 * steps and messages scroll above it; the summary table at the end.
 */
import type { PipelineEvent, StepResult } from '../events.js';
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

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const CLEAR_LINE = '\r\x1b[2K';

export interface TtyReporterOptions extends ReporterOptions {
  /** ANSI colours. @default true */
  color?: boolean;
  /** Spinner frame interval. @default 80 */
  intervalMs?: number;
  /** The terminal's width: the live line is cut to fit, since a wrapped line cannot be redrawn. @default 80 */
  columns?: number;
}

const SYMBOL: Readonly<Record<StepResult, string>> = {
  changed: '✔',
  unchanged: '✔',
  skipped: '○',
  failed: '✖',
  unknown: '?',
};

export class TtyReporter implements Reporter {
  private readonly clock: Clock;
  private readonly paint: (code: number, text: string) => string;
  private timer: NodeJS.Timeout | undefined;
  private frame = 0;
  private active: { id: string; label: string; started: number; status: string } | undefined;

  constructor(private readonly options: TtyReporterOptions) {
    this.clock = new Clock(options.fixedTimes ?? false);
    this.paint = options.color === false ? (_code, text) => text : (code, text) => `\x1b[${code}m${text}\x1b[0m`;
  }

  private write(text: string): void {
    this.options.out.write(text);
  }

  /** Prints lines above the live line. */
  private print(lines: string[]): void {
    if (this.active) this.write(CLEAR_LINE);
    for (const line of lines) this.write(`${line}\n`);
    this.render();
  }

  private render(): void {
    if (!this.active) return;
    const { id, label, started } = this.active;
    const elapsed = this.clock.duration(Date.now() - started);
    // Everything but the status has to fit; the status gets what is left.
    const room = (this.options.columns ?? 80) - 1 - [FRAMES[0], id, label, elapsed].join(' ').length - 1;
    const status = fitWidth(this.active.status, room);
    const spinner = this.paint(36, FRAMES[this.frame % FRAMES.length] as string);
    this.write(
      `${CLEAR_LINE}${spinner} ${id} ${this.paint(2, label)}${status ? ` ${status}` : ''} ${this.paint(2, elapsed)}`,
    );
  }

  onEvent(event: PipelineEvent): void {
    switch (event.type) {
      case 'pipeline-start':
        this.print([
          this.paint(1, `${event.mode === 'plan' ? 'Planning' : 'Running'} ${event.name}`) +
            this.paint(2, ` (${event.file})`),
        ]);
        return;
      case 'pipeline-info':
        this.print([this.paint(2, event.message)]);
        return;
      case 'step-start':
        this.active = { id: event.stepId, label: `${event.task} ${event.action}`, started: event.time, status: '' };
        this.timer ??= setInterval(() => {
          this.frame++;
          this.render();
        }, this.options.intervalMs ?? 80);
        this.timer.unref?.();
        this.render();
        return;
      case 'step-event':
        if (event.event.type === 'wait') {
          if (this.active) this.active.status = actionEventLines(event.event, this.clock)[0] ?? '';
          this.render();
          return;
        }
        if (this.active) this.active.status = '';
        this.print(actionEventLines(event.event, this.clock).map((line) => `  ${this.paint(2, line)}`));
        return;
      case 'step-end': {
        const started = this.active;
        this.active = undefined;
        if (started) this.write(CLEAR_LINE);
        const color = event.result === 'failed' ? 31 : event.result === 'changed' ? 32 : 2;
        const [first, rest] = splitMessage(event.summary);
        const lines = [
          `${this.paint(color, SYMBOL[event.result])} ${event.stepId} ${this.paint(2, `${event.task} ${event.action}`)} ${first} ${this.paint(2, `(${this.clock.duration(event.durationMs)})`)}`,
          ...rest.map((l) => `    ${l}`),
          ...(event.changes ? planLines(event.changes).map((l) => `    ${l}`) : []),
          ...(event.failure ? failureDetailLines(event.failure).map((l) => `    ${this.paint(33, l)}`) : []),
        ];
        this.print(lines);
        return;
      }
      case 'pipeline-end': {
        this.close();
        const lines = ['', ...summaryTable(event.steps, this.clock), '', this.paint(1, closingLine(event, this.clock))];
        if (event.failure && event.mode === 'run') {
          lines.push(
            this.paint(31, `Step "${event.failure.stepId}" failed: ${splitMessage(event.failure.message)[0]}`),
          );
          lines.push(...failureDetailLines(event.failure).map((l) => `  ${l}`));
        }
        this.print(lines);
        return;
      }
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.active) this.write(CLEAR_LINE);
    this.active = undefined;
  }
}

/** `text` cut to `width` characters with an ellipsis (nothing when there is no room). */
function fitWidth(text: string, width: number): string {
  if (width <= 1) return '';
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}
