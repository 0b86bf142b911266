/**
 * What IAM reports as last used (an access key's GetAccessKeyLastUsed, a role's RoleLastUsed) is
 * written on the request path of every call signed with the key or the role's session, so repeats
 * are skipped: IAM reports the date to the second, and another use in the same second with the
 * same details (service, region) would write a row no caller can tell from the one stored. A
 * client in a hot loop then costs one UPDATE a second per key or role instead of one per request.
 * Only this server writes the tables (the data dir is locked), so remembering is safe.
 */

/** Subjects remembered at once; past it the memory starts over (a write more, no harm). */
const REMEMBERED_MAX = 10_000;

export class LastUseRecorder {
  private readonly written = new Map<string, string>();

  /**
   * Records a use of `subject` at `at` (epoch ms) with `details` through `write`, unless the last
   * write already says the same second and details. `write` answers whether the subject exists.
   */
  record(subject: string, at: number, details: string, write: () => boolean): boolean {
    const stamp = `${Math.floor(at / 1000)}|${details}`;
    if (this.written.get(subject) === stamp) return true;
    const exists = write();
    if (exists) {
      if (this.written.size >= REMEMBERED_MAX) this.written.clear();
      this.written.set(subject, stamp);
    }
    return exists;
  }
}
