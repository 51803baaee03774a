/**
 * The warm pool's upkeep, in the background of every step: members launched into the pool are
 * stopped once prepared (running, status checks passed, warmPool.prepareSeconds since launch);
 * ready members past warmPool.maxPreparedAgeSeconds, or beyond the pool's size (it shrank, or was
 * removed), are terminated; and the pool is refilled to its size with launches marked as pool
 * launches, unless launching is backing off.
 */
import { POOL_LAUNCH, stepCommandId } from '../command-ids.ts';
import type { Command } from '../model.ts';
import { spreadLaunches } from '../placement.ts';
import { type StepContext, isEvacuated } from './context.ts';
import { type LaunchInput, type LaunchPlan, backingOff } from './plan-launches.ts';
import { type PoolMember, type WarmPool, isStale } from './warm-pool.ts';

const poolCommand = (context: StepContext, action: 'stop' | 'terminate', members: readonly PoolMember[], reason: string): Command[] =>
  members.length === 0
    ? []
    : [{ kind: 'pool', id: stepCommandId(context.fleet.name, context.step, `pool-${action}`, 'members'), action, instanceIds: members.map((m) => m.instance.instanceId), reason }];

/** Members being prepared that are ready to stop. */
function preparedStops(context: StepContext, pool: WarmPool): Command[] {
  const prepareSeconds = context.fleet.warmPool?.prepareSeconds ?? 0;
  const prepared = pool.preparing.filter(
    (m) => m.instance.state === 'running' && m.instance.health === 'ok' && m.record.launchedAtMs + prepareSeconds * 1000 <= context.nowMs,
  );
  const reason = `prepared: running, status checks passed, ${prepareSeconds} s (warmPool.prepareSeconds) since launch: stopping ${prepared.length} into the warm pool of size ${pool.size}`;
  return poolCommand(context, 'stop', prepared, reason);
}

/** Ready members that leave: stale ones, and those beyond the pool's size. */
function retirements(context: StepContext, pool: WarmPool, staying: readonly PoolMember[]): { commands: Command[]; kept: number } {
  const stale = staying.filter((m) => isStale(context, m));
  const fresh = staying.filter((m) => !isStale(context, m));
  const surplus = fresh.slice(0, Math.max(0, fresh.length + pool.preparing.length - pool.size));
  const maxAge = context.fleet.warmPool?.maxPreparedAgeSeconds;
  const commands = [
    ...poolCommand(context, 'terminate', stale, `launched more than ${maxAge ?? 0} s (warmPool.maxPreparedAgeSeconds) ago: terminating ${stale.length} stale warm pool member(s), to be replaced`),
    ...poolCommand(context, 'terminate', surplus, `the warm pool holds ${fresh.length + pool.preparing.length}, more than its size ${pool.size}: terminating ${surplus.length}`),
  ];
  return { commands, kept: fresh.length - surplus.length };
}

/** Pool launches that bring it back to its size, spread over the healthy subnets. */
function refill(context: StepContext, pool: WarmPool, held: number, input: LaunchInput): LaunchPlan {
  const { fleet } = context;
  const first = fleet.instanceTypes[0];
  const missing = pool.size - held;
  if (missing <= 0 || first === undefined) return { commands: [], notes: [] };
  const backoff = backingOff(context.status?.launchFailures, context.nowMs);
  if (backoff !== undefined) return { commands: [], notes: [`the warm pool waits for ${missing} instance(s): ${backoff}`] };
  const healthy = context.subnets.filter((s) => !input.degraded.has(s.availabilityZone) && !isEvacuated(input.evacuating, s));
  const commands = spreadLaunches(missing, healthy.length > 0 ? healthy : context.subnets, []).map(
    (share): Command => ({
      kind: 'launch',
      id: stepCommandId(fleet.name, context.step, POOL_LAUNCH, share.subnet.subnetId),
      subnetId: share.subnet.subnetId,
      availabilityZone: share.subnet.availabilityZone,
      capacityUnits: share.instances * first.weight,
      instanceTypes: [first],
      pool: true,
      reason: `the warm pool holds ${held} of its size ${pool.size}: ${share.instances} instance(s) in ${share.subnet.availabilityZone} to prepare and stop`,
    }),
  );
  return { commands, notes: [] };
}

export function poolUpkeep(context: StepContext, pool: WarmPool, started: ReadonlySet<string>, input: LaunchInput): LaunchPlan {
  const staying = pool.ready.filter((m) => !started.has(m.instance.instanceId));
  const retired = retirements(context, pool, staying);
  const refilled = refill(context, pool, retired.kept + pool.preparing.length, input);
  return { commands: [...preparedStops(context, pool), ...retired.commands, ...refilled.commands], notes: refilled.notes };
}
