/**
 * The console's memory of recent activity: the last invocations, mapping batches and push
 * deliveries, kept in rings from the moment the cloud starts (a console opened later still shows
 * what ran). Fed by the activity events; nothing here runs unless something happens.
 */
import type { BatchActivity, DeliveryActivity, InvocationActivity } from '../cloud/activity.js';
import type { ChangeEvents } from '../cloud/change-events.js';

/** How many of each kind are kept. */
export const ACTIVITY_LIMITS = { invocations: 1000, batches: 500, deliveries: 500 } as const;

/** A fixed-size list that drops its oldest entry when full. */
export class Ring<T> {
  private readonly items: T[] = [];
  private start = 0;

  constructor(private readonly capacity: number) {}

  push(item: T): void {
    if (this.items.length < this.capacity) {
      this.items.push(item);
      return;
    }
    this.items[this.start] = item;
    this.start = (this.start + 1) % this.capacity;
  }

  /** Oldest first. */
  toArray(): T[] {
    return [...this.items.slice(this.start), ...this.items.slice(0, this.start)];
  }
}

export interface ActivitySnapshot {
  invocations: InvocationActivity[];
  batches: BatchActivity[];
  deliveries: DeliveryActivity[];
}

export class ActivityLog {
  private readonly invocations = new Ring<InvocationActivity>(ACTIVITY_LIMITS.invocations);
  private readonly batches = new Ring<BatchActivity>(ACTIVITY_LIMITS.batches);
  private readonly deliveries = new Ring<DeliveryActivity>(ACTIVITY_LIMITS.deliveries);
  private readonly unsubscribe: (() => void)[];

  constructor(events: ChangeEvents) {
    this.unsubscribe = [
      events.on('activity.invocation', (event) => this.invocations.push(event)),
      events.on('activity.batch', (event) => this.batches.push(event)),
      events.on('activity.delivery', (event) => this.deliveries.push(event)),
    ];
  }

  snapshot(): ActivitySnapshot {
    return {
      invocations: this.invocations.toArray(),
      batches: this.batches.toArray(),
      deliveries: this.deliveries.toArray(),
    };
  }

  close(): void {
    for (const off of this.unsubscribe) off();
  }
}
