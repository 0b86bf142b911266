/**
 * What a mapping reports in LastProcessingResult after a batch. "OK", "No records processed" and
 * "PROBLEM: Function call failed" are AWS's texts as the API reference's examples and responses
 * recorded against AWS show them; the others follow the same "PROBLEM: ..." form.
 */
export const PROCESSING_RESULT = {
  ok: 'OK',
  /** The function ran and failed (an error, a timeout), or its answer was not a valid response. */
  functionCallFailed: 'PROBLEM: Function call failed',
  /** The function (or the version or alias the mapping names) does not exist any more. */
  functionNotFound: 'PROBLEM: Function not found',
  /** Lambda refused the invoke for lack of concurrency. */
  throttled: 'PROBLEM: Function call throttled',
  /** Lambda could not run the function for another reason (the payload, an internal failure). */
  internalError: 'PROBLEM: Lambda internal error. Please contact Lambda customer support.',
} as const;
