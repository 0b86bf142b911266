/** A filter pattern that is not one; the reason is for logs (Lambda answers "Invalid filter pattern definition."). */
export class FilterPatternError extends Error {
  constructor(readonly reason: string) {
    super(`Invalid filter pattern: ${reason}`);
    this.name = 'FilterPatternError';
  }
}
