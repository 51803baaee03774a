/**
 * The executors of a step, in the order they run: settle the operator's requests, keep the
 * records (forget, track, adopt), then, once the victims are re-validated and the lease renewed,
 * act on instances (failovers, warm pool starts, stops and terminations, launches, drains), and
 * register what serves unregistered and what the launches started, one RegisterTargets per group.
 */
import { adoptAll } from './adopt.ts';
import { advance } from './advance.ts';
import { type Executor, forEachCommand } from './executor.ts';
import { failOver } from './failover.ts';
import { forgetRecord } from './forget.ts';
import { launch } from './launch.ts';
import { poolAction } from './pool.ts';
import { registerUnregistered } from './register.ts';
import { settleRequest } from './settle.ts';
import { trackHealth } from './track.ts';

export type { ActRun, Executor } from './executor.ts';

const ON_INSTANCES = { changesInstances: true };

export const EXECUTORS: readonly Executor[] = [
  forEachCommand('settle', settleRequest, { inDryRun: true }),
  forEachCommand('forget', forgetRecord),
  forEachCommand('track', trackHealth),
  adoptAll,
  forEachCommand('failover', failOver, ON_INSTANCES),
  forEachCommand('pool', poolAction, ON_INSTANCES),
  forEachCommand('launch', launch, ON_INSTANCES),
  forEachCommand('advance', advance, ON_INSTANCES),
  registerUnregistered,
];
