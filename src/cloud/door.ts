import type { RequestHandler } from './listener.js';

/**
 * The listener's handler while the backend loads: requests wait, then go to the backend's handler
 * (or get a 503 if it failed to start). Their bodies stay in the socket until read.
 */
export class RequestDoor {
  private target: RequestHandler | undefined;
  private readonly held: Parameters<RequestHandler>[] = [];
  private failed = false;

  readonly handler: RequestHandler = (req, res) => {
    if (this.target) this.target(req, res);
    else if (this.failed) RequestDoor.unavailable(res);
    else this.held.push([req, res]);
  };

  /** Requests waiting for the door to open. */
  get waiting(): number {
    return this.held.length;
  }

  open(target: RequestHandler): void {
    this.target = target;
    for (const [req, res] of this.held.splice(0)) target(req, res);
  }

  fail(): void {
    this.failed = true;
    for (const [, res] of this.held.splice(0)) RequestDoor.unavailable(res);
  }

  private static unavailable(res: Parameters<RequestHandler>[1]): void {
    res.writeHead(503, { 'content-type': 'text/plain' }).end('the local cloud failed to start\n');
  }
}
