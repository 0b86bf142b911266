/**
 * What a pipeline run tells its observer (the CLI's reporters, or an embedding program). The
 * library never prints; every string in an event has its secrets masked already.
 */
import type { ActionEvent, PlannedChange } from '../tasks/task.js';

export type Mode = 'run' | 'plan';

/**
 * What became of a step. In a plan, `changed`/`unchanged` say what running it would do, and
 * `unknown` that it cannot be previewed (no plan for the action, or its parameters depend on
 * outputs known only after earlier steps run).
 */
export type StepResult = 'changed' | 'unchanged' | 'skipped' | 'failed' | 'unknown';

/** Output values as shown: secret ones are `****`. */
export type ShownOutputs = Record<string, string | number | boolean>;

/** Why a step failed, for people and for scripts. */
export interface StepFailure {
  stepId: string;
  /** The deploy tool's code: AwsError, StepTimedOut, InvalidParameters, ... */
  code: string;
  /** The AWS error code (`ResourceNotFoundException`) when AWS refused a call. */
  awsCode?: string;
  httpStatus?: number;
  requestId?: string;
  message: string;
  /** What to do about it. */
  hint?: string;
}

export interface StepReport {
  id: string;
  task: string;
  action: string;
  result: StepResult;
  /** One line: what was done, or why it was skipped. */
  summary: string;
  durationMs: number;
  outputs: ShownOutputs;
  /** A plan's foreseen changes. */
  changes?: PlannedChange[];
  failure?: StepFailure;
  /** Failed, but `continueOnError` let the pipeline go on. */
  continued?: boolean;
}

interface Timed {
  /** Epoch ms. */
  time: number;
}

export type PipelineEvent = Timed &
  (
    | {
        type: 'pipeline-start';
        mode: Mode;
        name: string;
        file: string;
        steps: { id: string; task: string; action: string; selected: boolean }[];
      }
    /** Something about the run as a whole: "started the local cloud at http://127.0.0.1:4566". */
    | { type: 'pipeline-info'; message: string }
    | { type: 'step-start'; stepId: string; task: string; action: string; index: number; total: number }
    | { type: 'step-event'; stepId: string; event: ActionEvent }
    | ({ type: 'step-end'; stepId: string } & Omit<StepReport, 'id'>)
    | {
        type: 'pipeline-end';
        mode: Mode;
        name: string;
        result: 'succeeded' | 'failed';
        durationMs: number;
        steps: StepReport[];
        failure?: StepFailure;
      }
  );

export type PipelineEventType = PipelineEvent['type'];
