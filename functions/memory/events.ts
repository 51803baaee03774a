/**
 * The EventPublisher and Notifier ports in memory: what fleetward published and notified,
 * bounded for long simulations: counts of everything, and the last few entries themselves.
 */
import type { DetailType } from '../ports/event-types.ts';
import type { Clock, EventPublisher, Notifier } from '../ports/index.ts';

export interface Published {
  readonly detailType: string;
  readonly detail: Record<string, unknown>;
  readonly atMs?: number;
}

export interface Notified {
  readonly subject: string;
  readonly message: string;
  readonly details: Record<string, unknown>;
  readonly atMs?: number;
}

export interface RecorderOptions {
  /** How many of the newest entries are kept. Default 100. */
  readonly keep?: number;
  /** Stamps each entry with its time. */
  readonly clock?: Clock;
}

/** The newest `keep` entries, oldest first, and how many there were in all. */
class Recent<T> {
  private readonly kept: T[] = [];
  private seen = 0;

  constructor(private readonly keep: number) {}

  get total(): number {
    return this.seen;
  }

  get entries(): readonly T[] {
    return this.kept;
  }

  add(entry: T): void {
    this.seen += 1;
    this.kept.push(entry);
    if (this.kept.length > this.keep) this.kept.shift();
  }
}

const stamp = (clock: Clock | undefined) => (clock === undefined ? {} : { atMs: clock.now() });

export class MemoryEvents implements EventPublisher {
  private readonly recent: Recent<Published>;
  private readonly byType = new Map<string, number>();

  constructor(private readonly options: RecorderOptions = {}) {
    this.recent = new Recent(options.keep ?? 100);
  }

  async publish(detailType: DetailType, detail: Record<string, unknown>): Promise<void> {
    this.recent.add({ detailType, detail, ...stamp(this.options.clock) });
    this.byType.set(detailType, (this.byType.get(detailType) ?? 0) + 1);
  }

  /** Events published in all, or of one detail type. */
  count(detailType?: string): number {
    return detailType === undefined ? this.recent.total : (this.byType.get(detailType) ?? 0);
  }

  /** The newest events, oldest first. */
  get published(): readonly Published[] {
    return this.recent.entries;
  }
}

export class MemoryNotifier implements Notifier {
  private readonly recent: Recent<Notified>;

  constructor(private readonly options: RecorderOptions = {}) {
    this.recent = new Recent(options.keep ?? 100);
  }

  async notify(subject: string, message: string, details: Record<string, unknown>): Promise<void> {
    this.recent.add({ subject, message, details, ...stamp(this.options.clock) });
  }

  /** Notifications sent in all (subjects name instances, so they are not counted one by one). */
  get count(): number {
    return this.recent.total;
  }

  /** The newest notifications, oldest first. */
  get notified(): readonly Notified[] {
    return this.recent.entries;
  }
}
