/** `--json`: one event per line, as the library emits them (secrets already masked). */
import type { PipelineEvent } from '../events.js';
import type { Reporter, ReporterOptions } from './format.js';

export class JsonReporter implements Reporter {
  constructor(private readonly options: ReporterOptions) {}

  onEvent(event: PipelineEvent): void {
    const shown = this.options.fixedTimes ? fixTimes(event) : event;
    this.options.out.write(`${JSON.stringify(shown)}\n`);
  }

  close(): void {}
}

/** Times and durations zeroed, deeply (for comparable output in tests). */
function fixTimes<T>(value: T): T {
  if (Array.isArray(value)) return value.map(fixTimes) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      k === 'time' || k === 'durationMs' || k === 'elapsedMs' ? 0 : fixTimes(v),
    ]),
  ) as T;
}
