/**
 * Secret values and their masking. A value is secret when the pipeline says so (a variable with
 * `secret: true`), when an action says so (an output `{ value, secret: true }`, or `ctx.secret()`),
 * or when it comes from an environment variable whose name marks it as one (`*SECRET*`, `*TOKEN*`,
 * `*PASSWORD*`, `*PASSWD*`, `*PRIVATE_KEY*`: AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN among
 * them). Every event, report, error message and outputs file passes through `mask`, which
 * replaces each occurrence with `****`.
 */

export const MASK = '****';

const SECRET_ENV_NAME = /SECRET|TOKEN|PASSWORD|PASSWD|PRIVATE_KEY/i;

/**
 * Environment values shorter than this are not masked: a variable like `USE_TOKEN=yes` is no
 * credential, and masking "yes" everywhere would garble the output. Values marked secret
 * explicitly are masked whatever their length.
 */
const MIN_ENV_SECRET_LENGTH = 6;

export function isSecretEnvName(name: string): boolean {
  return SECRET_ENV_NAME.test(name);
}

export class Secrets {
  private readonly values = new Set<string>();
  private ordered: string[] | undefined;

  /** Registers a secret; each line of a multi-line value is masked on its own too. */
  add(value: string): void {
    if (!value) return;
    this.values.add(value);
    if (value.includes('\n')) {
      for (const line of value.split(/\r?\n/)) {
        const trimmed = line.trim();
        if (trimmed.length >= 4) this.values.add(trimmed);
      }
    }
    this.ordered = undefined;
  }

  /** Registers the values of the environment variables whose names mark them as secret. */
  addFromEnvironment(env: Readonly<Record<string, string | undefined>>): void {
    for (const [name, value] of Object.entries(env)) {
      if (value && value.length >= MIN_ENV_SECRET_LENGTH && isSecretEnvName(name)) this.add(value);
    }
  }

  has(value: string): boolean {
    return this.values.has(value);
  }

  /** The secrets `text` shows. */
  foundIn(text: string): string[] {
    return this.list().filter((secret) => text.includes(secret));
  }

  mask(text: string): string {
    let out = text;
    for (const secret of this.list()) if (out.includes(secret)) out = out.split(secret).join(MASK);
    return out;
  }

  /** A copy of `value` with every string in it masked (objects and arrays deeply). */
  maskDeep<T>(value: T): T {
    if (this.values.size === 0) return value;
    const visit = (v: unknown): unknown => {
      if (typeof v === 'string') return this.mask(v);
      if (Array.isArray(v)) return v.map(visit);
      if (v !== null && typeof v === 'object' && !(v instanceof Error)) {
        return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, visit(item)]));
      }
      return v;
    };
    return visit(value) as T;
  }

  /** Longest first, so a secret containing another is masked whole. */
  private list(): string[] {
    this.ordered ??= [...this.values].sort((a, b) => b.length - a.length);
    return this.ordered;
  }
}
