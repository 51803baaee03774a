/**
 * The warm pool's upkeep, in the background of every step: members launched into the pool are
 * stopped once prepared (running, status checks passed, warmPool.prepareSeconds since launch),
 * terminated if they are impaired or not prepared within a grace of 600 s more;
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

/** One command for the members, its id naming the action and why (`prepared`, `unprepared`, `stale`, `surplus`): one per id and step. */
const poolCommand = (context: StepContext, action: 'stop' | 'terminate', why: string, members: readonly PoolMember[], reason: string): Command[] =>
  members.length === 0
    ? []
    : [{ kind: 'pool', id: stepCommandId(context.fleet.name, context.step, `pool-${action}`, why), action, instanceIds: members.map((m) => m.instance.instanceId), reason }];

/** How long past warmPool.prepareSeconds a member may take to pass its status checks before it is given up on. */
export const PREPARE_GRACE_SECONDS = 600;

/** Members being prepared that are ready to stop, and those that failed to prepare (impaired, or not ready in time). */
function preparation(context: StepContext, pool: WarmPool): Command[] {
  const prepareSeconds = context.fleet.warmPool?.prepareSeconds ?? 0;
  const ageSeconds = (m: PoolMember) => (context.nowMs - m.record.launchedAtMs) / 1000;
  const running = pool.preparing.filter((m) => m.instance.state === 'running' || m.instance.state === 'pending');
  const prepared = running.filter((m) => m.instance.state === 'running' && m.instance.health === 'ok' && ageSeconds(m) >= prepareSeconds);
  const failed = running.filter((m) => !prepared.includes(m) && (m.instance.health === 'impaired' || ageSeconds(m) > prepareSeconds + PREPARE_GRACE_SECONDS));
  const limit = prepareSeconds + PREPARE_GRACE_SECONDS;
  return [
    ...poolCommand(context, 'stop', 'prepared', prepared, `prepared: running, status checks passed, ${prepareSeconds} s (warmPool.prepareSeconds) since launch: stopping ${prepared.length} into the warm pool of size ${pool.size}`),
    ...poolCommand(context, 'terminate', 'unprepared', failed, `not prepared: impaired, or not running with its status checks passed within ${limit} s (warmPool.prepareSeconds + ${PREPARE_GRACE_SECONDS}) of launch: terminating ${failed.length}, to be replaced`),
  ];
}

/** Ready members that leave: stale ones, and those beyond the pool's size. */
function retirements(context: StepContext, pool: WarmPool, staying: readonly PoolMember[]): { commands: Command[]; kept: number } {
  const stale = staying.filter((m) => isStale(context, m));
  const fresh = staying.filter((m) => !isStale(context, m));
  const surplus = fresh.slice(0, Math.max(0, fresh.length + pool.preparing.length - pool.size));
  const maxAge = context.fleet.warmPool?.maxPreparedAgeSeconds;
  const commands = [
    ...poolCommand(context, 'terminate', 'stale', stale, `launched more than ${maxAge ?? 0} s (warmPool.maxPreparedAgeSeconds) ago: terminating ${stale.length} stale warm pool member(s), to be replaced`),
    ...poolCommand(context, 'terminate', 'surplus', surplus, `the warm pool holds ${fresh.length + pool.preparing.length}, more than its size ${pool.size}: terminating ${surplus.length}`),
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
  return { commands: [...preparation(context, pool), ...retired.commands, ...refilled.commands], notes: refilled.notes };
}
