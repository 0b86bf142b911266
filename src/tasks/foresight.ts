/**
 * What the earlier steps of a plan will have done by the time a step runs. A plan reads the
 * world as it is now, but `run` reads it after the earlier steps changed it: the package step
 * writes a new zip, the upload puts it in S3, the mapping step enables a mapping. Each plan that
 * foresees such a change records it here, and later plans read through it before asking AWS or the
 * disk, so "no change" is never claimed from state an earlier step is about to replace.
 *
 * Only plans of steps that will run record here (a step left out by --only/--from changes nothing).
 */
import type { OutputValue } from './task.js';

/** A file an earlier step will write (a package's zip), as the readers of that file need it. */
export interface PlannedFile {
  /** SHA-256 of the content, base64 (Lambda's CodeSha256). */
  sha256: string;
  /** The ETag S3 will give the content when s3-object: upload puts it (MD5, or multipart). */
  etag: string;
  size: number;
  /** The content itself, when it is small and read as a whole (a packaged template). */
  bytes?: Buffer;
}

/** An S3 object an earlier step will put. */
export interface PlannedObject {
  /** SHA-256 of the content, base64; undefined when the step cannot know it before running. */
  sha256: string | undefined;
}

/** An event source mapping an earlier step will create, enable or disable. */
export interface PlannedMapping {
  enabled: boolean;
}

/** A stack an earlier step will create or update, with what it will deploy. */
export interface PlannedStack {
  /** The template, parameters and tags the step deploys, canonically (see cloudformation-stack/foresee.ts). */
  fingerprint: string;
  /** The stack's outputs as that step's plan foresees them. */
  outputs: Record<string, OutputValue>;
}

interface Kinds {
  file: PlannedFile;
  object: PlannedObject;
  mapping: PlannedMapping;
  stack: PlannedStack;
}

export type Foreseen<K extends keyof Kinds> = Kinds[K] & {
  /** The step whose plan foresees it, for messages ("the zip step package will write"). */
  stepId: string;
};

export class Foresight {
  private readonly entries = new Map<string, unknown>();

  record<K extends keyof Kinds>(kind: K, key: string, value: Foreseen<K>): void {
    this.entries.set(`${kind}\n${key}`, value);
  }

  lookup<K extends keyof Kinds>(kind: K, key: string): Foreseen<K> | undefined {
    return this.entries.get(`${kind}\n${key}`) as Foreseen<K> | undefined;
  }
}
