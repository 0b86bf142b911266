/**
 * Required request members. SQS reports a missing one as `MissingParameter` ("The request must
 * contain the parameter X."), not with the generic "1 validation error detected" wording, so the
 * handlers check their required members themselves (see index.ts on why model validation is off).
 */
import { missingParameter } from './errors.js';

export function required<T>(value: T | undefined | null, name: string): T {
  if (value === undefined || value === null) throw missingParameter(name);
  return value;
}
