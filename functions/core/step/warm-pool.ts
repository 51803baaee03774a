/**
 * Phase six, with a warm pool (warmPool): scale-out starts stopped, prepared pool members first,
 * oldest first, within capacity.max and outside degraded or evacuated zones, and launches only
 * the rest (./plan-launches.ts); the pool's upkeep (./warm-pool-upkeep.ts) keeps it at its size
 * in the background. Pool members are recorded as pooled: never capacity, never adopted.
 */
import { stepCommandId } from '../command-ids.ts';
import type { Command, InstanceRecord, ObservedInstance } from '../model.ts';
import { sumUnits, unitsOf } from '../placement.ts';
import { type StepContext, isEvacuated, isGone } from './context.ts';
import { type LaunchInput, type LaunchPlan, planLaunches } from './plan-launches.ts';
import { poolUpkeep } from './warm-pool-upkeep.ts';

export interface PoolMember {
  readonly instance: ObservedInstance;
  readonly record: InstanceRecord;
}

/** The fleet's pool members as EC2 reports them. */
export interface WarmPool {
  readonly size: number;
  /** Stopped: prepared and ready to start, oldest first. */
  readonly ready: readonly PoolMember[];
  /** Launched into the pool and not stopped yet: being prepared, or stopping. */
  readonly preparing: readonly PoolMember[];
}

export function warmPoolOf(context: StepContext, records: readonly InstanceRecord[]): WarmPool {
  const ready: PoolMember[] = [];
  const preparing: PoolMember[] = [];
  for (const record of records) {
    if (record.lifecycle !== 'pooled') continue;
    const instance = context.observedById.get(record.instanceId);
    if (instance === undefined || isGone(instance) || instance.state === 'shutting-down') continue;
    (instance.state === 'stopped' ? ready : preparing).push({ instance, record });
  }
  ready.sort((a, b) => a.record.launchedAtMs - b.record.launchedAtMs);
  return { size: context.fleet.warmPool?.size ?? 0, ready, preparing };
}

/** Whether a member was launched longer ago than warmPool.maxPreparedAgeSeconds. */
export function isStale(context: StepContext, member: PoolMember): boolean {
  const maxAgeSeconds = context.fleet.warmPool?.maxPreparedAgeSeconds;
  return maxAgeSeconds !== undefined && member.record.launchedAtMs + maxAgeSeconds * 1000 <= context.nowMs;
}

export interface PoolStarts {
  readonly commands: readonly Command[];
  readonly units: number;
  readonly started: ReadonlySet<string>;
}

/** The ready members that close as much of the gap as capacity.max allows, oldest first. */
function startsFromPool(context: StepContext, pool: WarmPool, input: LaunchInput): PoolStarts {
  const { fleet } = context;
  const currentUnits = sumUnits(input.staying);
  const deficit = input.desired - currentUnits - input.unitsInFlight;
  const headroom = fleet.capacity.max - currentUnits - input.unitsInFlight;
  const started: string[] = [];
  let units = 0;
  for (const member of pool.ready) {
    if (units >= deficit) break;
    const memberUnits = unitsOf(member.instance.instanceType, fleet.instanceTypes);
    const blocked = input.degraded.has(member.instance.availabilityZone) || isEvacuated(input.evacuating, member.instance);
    if (blocked || isStale(context, member) || units + memberUnits > headroom) continue;
    started.push(member.instance.instanceId);
    units += memberUnits;
  }
  if (started.length === 0) return { commands: [], units: 0, started: new Set() };
  const command: Command = {
    kind: 'pool',
    id: stepCommandId(fleet.name, context.step, 'pool-start', 'ready'),
    action: 'start',
    instanceIds: started,
    reason: `capacity ${currentUnits} is below desired ${input.desired}: starting ${started.length} stopped instance(s) (${units} units) from the warm pool (${pool.ready.length} ready of its size ${pool.size})`,
  };
  return { commands: [command], units, started: new Set(started) };
}

const hasPooled = (records: readonly InstanceRecord[]) => records.some((record) => record.lifecycle === 'pooled');

/** The records with those this step adopts into the pool, so that they count as members at once. */
function withPooledAdoptions(records: readonly InstanceRecord[], adoptions: readonly Command[]): readonly InstanceRecord[] {
  const adopted = adoptions.flatMap((c): InstanceRecord[] =>
    c.kind === 'adopt' && c.lifecycle === 'pooled' ? [{ instanceId: c.instanceId, lifecycle: 'pooled', launchedAtMs: c.launchedAtMs, version: 0, reason: c.reason }] : [],
  );
  return adopted.length === 0 ? records : [...records, ...adopted];
}

/** Launches, with the warm pool's starts first and its upkeep after, when the fleet has a pool or pool members left. */
export function planScaleOut(context: StepContext, input: LaunchInput, recorded: readonly InstanceRecord[], adoptions: readonly Command[]): LaunchPlan {
  const records = withPooledAdoptions(recorded, adoptions);
  if ((context.fleet.warmPool?.size ?? 0) === 0 && !hasPooled(records)) return planLaunches(context, input);
  const pool = warmPoolOf(context, records);
  const starts = startsFromPool(context, pool, input);
  const launches = planLaunches(context, { ...input, fromPoolUnits: starts.units });
  const upkeep = poolUpkeep(context, pool, starts.started, input);
  return { commands: [...starts.commands, ...launches.commands, ...upkeep.commands], notes: [...launches.notes, ...upkeep.notes] };
}
