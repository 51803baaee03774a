/**
 * The dispatcher's step: start each fleet's scheduled step at its offset of the plan
 * (../core/dispatch.ts), with at most `concurrency` Invoke requests in flight. A failed invocation
 * is reported with its fleet, not thrown: the other fleets still step, and that one steps next tick.
 */
import type { DispatchPlan } from '../core/dispatch.ts';
import type { Clock } from '../ports/index.ts';
import type { FleetStepEvent, FleetStepInvoker } from '../ports/invoker.ts';
import { errorMessage } from './journal.ts';

export interface DispatchDependencies {
  readonly invoker: FleetStepInvoker;
  readonly clock: Clock;
  readonly sleep: (ms: number) => Promise<void>;
}

export interface DispatchOutcome {
  readonly invoked: readonly string[];
  readonly failed: ReadonlyArray<{ readonly fleet: string; readonly reason: string }>;
}

export async function dispatchFleets(
  deps: DispatchDependencies,
  plan: DispatchPlan,
  concurrency: number,
  tick: Omit<FleetStepEvent, 'fleet'>,
): Promise<DispatchOutcome> {
  const began = deps.clock.now();
  const invoked: string[] = [];
  const failed: Array<{ fleet: string; reason: string }> = [];
  const inFlight = new Set<Promise<void>>();
  for (const { fleet, offsetMs } of plan.starts) {
    const wait = began + offsetMs - deps.clock.now();
    if (wait > 0) await deps.sleep(wait);
    while (inFlight.size >= concurrency) await Promise.race(inFlight);
    const call: Promise<void> = deps.invoker
      .invoke({ ...tick, fleet })
      .then(
        () => void invoked.push(fleet),
        (error: unknown) => void failed.push({ fleet, reason: errorMessage(error) }),
      )
      .finally(() => inFlight.delete(call));
    inFlight.add(call);
  }
  await Promise.all(inFlight);
  return { invoked, failed };
}
