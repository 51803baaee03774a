/**
 * A fault-injecting recorder for any port, after Karpenter's fake cloud provider: every call is
 * recorded in order with its arguments and outcome; chosen calls fail before they take effect,
 * or after (the effect happens, the answer is lost); a Crash shared by several wrapped ports
 * makes every port call after the n-th throw, as a process that died there would see it.
 */

/** The error to throw: one instance, or a fresh one made for each call it fails. */
export type ErrorSource = Error | ((call: { readonly method: string; readonly args: readonly unknown[] }) => Error);

/** Names of the methods of T. */
export type MethodOf<T> = { [K in keyof T]: T[K] extends (...args: never[]) => unknown ? K : never }[keyof T] & string;

/** Objects whose methods all return promises: the ports. */
export type AsyncPort<T> = { [K in keyof T]: T[K] extends (...args: never[]) => infer R ? (R extends Promise<unknown> ? T[K] : never) : T[K] };

export interface FaultOptions<T> {
  /** Only calls of this method; any method when absent. */
  readonly method?: MethodOf<T>;
  /** Only calls whose arguments match. */
  readonly when?: (args: readonly unknown[]) => boolean;
  /** Carry the call out, then throw: its effect happens and its answer is lost. */
  readonly afterApplying?: boolean;
}

export interface RecordedCall {
  readonly method: string;
  /** As passed (not copied). */
  readonly args: readonly unknown[];
  /** lost: carried out, then an injected error replaced its answer. */
  readonly outcome: 'pending' | 'returned' | 'threw' | 'lost';
  readonly error?: unknown;
  /** The error was injected (a fault or the crash), not the port's own. */
  readonly injected: boolean;
}

/** What a crashed process's later port calls meet. */
export class SimulatedCrash extends Error {
  constructor(readonly afterCalls: number) {
    super(`simulated crash: the process died after port call ${afterCalls}`);
    this.name = 'SimulatedCrash';
  }
}

/** One counter of port calls across every port wrapped with it; armed, every call after the n-th throws. */
export class Crash {
  private made = 0;
  private limit = Infinity;

  /** Port calls made since it was armed (or created). */
  get calls(): number {
    return this.made;
  }

  get crashed(): boolean {
    return this.made > this.limit;
  }

  /** Counts from zero again; calls after the n-th throw SimulatedCrash. */
  arm(afterCalls: number): this {
    this.made = 0;
    this.limit = afterCalls;
    return this;
  }

  /** The process is back: calls go through again (and are still counted). */
  disarm(): void {
    this.limit = Infinity;
  }

  /** Counts one call; the error it must throw once crashed. */
  enter(): SimulatedCrash | undefined {
    this.made += 1;
    return this.made > this.limit ? new SimulatedCrash(this.limit) : undefined;
  }
}

/** A Crash armed to fire after the n-th port call. */
export const crashAfter = (afterCalls: number) => new Crash().arm(afterCalls);

interface Rule {
  readonly method?: string;
  readonly when?: (args: readonly unknown[]) => boolean;
  readonly afterApplying: boolean;
  readonly error: ErrorSource;
  /** Matching calls still let through before it fires. */
  pass: number;
  /** Fires on every matching call once it started, or only once. */
  readonly repeat: boolean;
}

type MutableCall = { -readonly [K in keyof RecordedCall]: RecordedCall[K] };

export class Faulty<T extends AsyncPort<T>> {
  /** The wrapped port: use it wherever the port goes. */
  readonly port: T;
  private readonly recorded: MutableCall[] = [];
  private rules: Rule[] = [];

  constructor(
    private readonly target: T,
    private readonly crash?: Crash,
  ) {
    const wrappers = new Map<string, (...args: unknown[]) => Promise<unknown>>();
    this.port = new Proxy(target, {
      get: (object, key) => {
        const value: unknown = Reflect.get(object, key, object);
        if (typeof value !== 'function' || typeof key !== 'string') return value;
        let wrapper = wrappers.get(key);
        if (wrapper === undefined) {
          wrapper = (...args: unknown[]) => this.invoke(key, value as (...args: unknown[]) => Promise<unknown>, args);
          wrappers.set(key, wrapper);
        }
        return wrapper;
      },
    });
  }

  /** Every call so far, in the order made. */
  get calls(): readonly RecordedCall[] {
    return this.recorded;
  }

  callsOf(method: MethodOf<T>): readonly RecordedCall[] {
    return this.recorded.filter((call) => call.method === method);
  }

  /** The next (matching) call fails with the error. */
  failNext(error: ErrorSource, options: FaultOptions<T> = {}): this {
    return this.addRule(error, options, 0, false);
  }

  /** Every (matching) call after the next `calls` matching ones fails; failAfter(0, …) fails all from now. */
  failAfter(calls: number, error: ErrorSource, options: FaultOptions<T> = {}): this {
    return this.addRule(error, options, calls, true);
  }

  /** Forgets the calls and the faults (not the crash, which belongs to all its ports). */
  reset(): void {
    this.recorded.length = 0;
    this.rules = [];
  }

  private addRule(error: ErrorSource, options: FaultOptions<T>, pass: number, repeat: boolean): this {
    this.rules.push({ ...options, afterApplying: options.afterApplying ?? false, error, pass, repeat });
    return this;
  }

  private async invoke(method: string, real: (...args: unknown[]) => Promise<unknown>, args: unknown[]): Promise<unknown> {
    const call: MutableCall = { method, args, outcome: 'pending', injected: false };
    this.recorded.push(call);
    const crashed = this.crash?.enter();
    const fault = crashed === undefined ? this.faultFor(method, args) : { error: crashed, afterApplying: false };
    try {
      if (fault !== undefined && !fault.afterApplying) throw this.injected(call, fault.error);
      const result = await real.apply(this.target, args);
      if (fault !== undefined) throw this.injected(call, fault.error, 'lost');
      call.outcome = 'returned';
      return result;
    } catch (error) {
      if (!call.injected) Object.assign(call, { outcome: 'threw', error });
      throw error;
    }
  }

  private injected(call: MutableCall, error: Error, outcome: 'threw' | 'lost' = 'threw'): Error {
    Object.assign(call, { outcome, error, injected: true });
    return error;
  }

  /** The first rule that fires on this call; every matching rule counts it. */
  private faultFor(method: string, args: readonly unknown[]): { error: Error; afterApplying: boolean } | undefined {
    let fired: Rule | undefined;
    for (const rule of this.rules) {
      if ((rule.method !== undefined && rule.method !== method) || (rule.when !== undefined && !rule.when(args))) continue;
      if (rule.pass > 0) rule.pass -= 1;
      else fired ??= rule;
    }
    if (fired === undefined) return undefined;
    if (!fired.repeat) this.rules = this.rules.filter((rule) => rule !== fired);
    const error = typeof fired.error === 'function' ? fired.error({ method, args }) : fired.error;
    return { error, afterApplying: fired.afterApplying };
  }
}

/** Wraps a port (type it as the port: withFaults<ComputePort>(compute)) to record its calls and inject faults. */
export function withFaults<T extends AsyncPort<T>>(port: T, options: { readonly crash?: Crash } = {}): Faulty<T> {
  return new Faulty(port, options.crash);
}
