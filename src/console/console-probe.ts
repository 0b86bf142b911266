/**
 * Whether a local cloud at `endpoint` serves its web console now, for the deploy tool's closing
 * line. Only a console that answers without a token counts (a cloud on a non-loopback address
 * asks for the token it printed, which the deploy tool does not know).
 */
import { CONSOLE_PREFIX } from './paths.js';

/** The console's URL when it answers within `timeoutMs`, else undefined. */
export async function reachableConsole(endpoint: string, timeoutMs = 2000): Promise<string | undefined> {
  let url: string;
  try {
    url = new URL(`${CONSOLE_PREFIX}/`, endpoint).href;
  } catch {
    return undefined;
  }
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const page = await response.text();
    return response.ok && page.includes('console-config') ? url : undefined;
  } catch {
    return undefined;
  }
}
