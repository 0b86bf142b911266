/**
 * What a CLI command reads and writes besides its arguments. main.ts passes the process's; tests
 * pass buffers, an environment and a working directory of their own and call the command
 * in-process.
 */
export interface CliIo {
  stdout: { write(text: string): void; isTTY?: boolean; columns?: number };
  stderr: { write(text: string): void };
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Aborted on SIGINT/SIGTERM (the run stops after cancelling the current step). */
  signal?: AbortSignal;
}

export function processIo(): CliIo {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
  };
}
