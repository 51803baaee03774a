/**
 * Reference policies: static provisioning at the trace's peak, and the oracle, which knows the
 * demand in advance, launches each instance one boot delay before it is needed and keeps an
 * instance through a dip only when relaunching it would cost more (the dip is no longer than
 * the boot): the lower bound on cost for a fleet that always meets demand.
 */
import type { Demand } from '../trace.ts';

const EPSILON = 1e-9;

/** Instances needed to serve a demand. */
export function instancesFor(demand: number, instanceCapacity: number): number {
  return Math.ceil(demand / instanceCapacity - EPSILON);
}

/**
 * The oracle's capacity (instances alive, booting included) for each step: the most any step
 * needs from now until one boot delay ahead. An instance needed again within a boot delay is
 * thereby kept, and one needed in `boot` steps is launched now.
 */
export function oracleSchedule(demand: Demand, bootS: number, instanceCapacity: number): Int32Array {
  const values = demand.values;
  const lead = Math.ceil(bootS / demand.stepS - EPSILON);
  const schedule = new Int32Array(values.length);
  // Sliding-window maximum over [k, k + lead] with a monotone deque of step indices.
  const deque = new Int32Array(values.length);
  let head = 0;
  let tail = 0;
  let next = 0;
  for (let k = 0; k < values.length; k++) {
    for (; next <= Math.min(values.length - 1, k + lead); next++) {
      const need = instancesFor(values[next] ?? 0, instanceCapacity);
      while (tail > head && instancesFor(values[deque[tail - 1] ?? 0] ?? 0, instanceCapacity) <= need) tail--;
      deque[tail++] = next;
    }
    while ((deque[head] ?? 0) < k) head++;
    schedule[k] = instancesFor(values[deque[head] ?? 0] ?? 0, instanceCapacity);
  }
  return schedule;
}
