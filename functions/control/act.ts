/**
 * Acting on a decision: the executors (./executors/index.ts) in order, those this step gives work.
 * Before the first that acts on instances, the drains starting this step are re-validated and the
 * lease renewed; a step that acts on no instance renews nothing. A fleet in
 * dry-run settles its requests and plans the rest. Returns the decision log's actions.
 */
import type { InstanceRecord, Lifecycle, OperatorRequest } from '../core/model.ts';
import { byInstanceId } from '../core/step/context.ts';
import type { StepDecision } from '../core/step/index.ts';
import type { DecisionEntry } from '../ports/index.ts';
import { type ActRun, EXECUTORS } from './executors/index.ts';
import type { Acting } from './journal.ts';
import { revalidate, startingDrains } from './revalidate.ts';

export interface ActInput {
  readonly decision: StepDecision;
  readonly nowMs: number;
  readonly records: readonly InstanceRecord[];
  readonly requests: readonly OperatorRequest[];
}

/** The run the executors share; its actions collect what each records. */
function actRun(acting: Acting, input: ActInput, actions: Array<DecisionEntry['actions'][number]>): ActRun {
  const { decision } = input;
  const records = byInstanceId(input.records);
  const current = new Map<string, { readonly version: number; readonly lifecycle: Lifecycle }>();
  for (const r of input.records) current.set(r.instanceId, { version: r.version, lifecycle: r.lifecycle });
  return {
    acting,
    decision,
    nowMs: input.nowMs,
    records,
    requests: new Map(input.requests.map((r) => [r.requestId, r])),
    current,
    launchedByLaunches: [],
    abandoned: new Map(),
    record: (command, outcome) => actions.push({ commandId: command.id, kind: command.kind, reason: command.reason, outcome }),
  };
}

const activeExecutors = (run: ActRun) => EXECUTORS.filter((executor) => (!run.decision.dryRun || executor.inDryRun) && executor.hasWork(run));

/** Whether acting on the decision would do anything (a command to carry out, an instance to register): what takes a step the lease. */
export const hasWork = (acting: Acting, input: ActInput): boolean => activeExecutors(actRun(acting, input, [])).length > 0;

export async function act(acting: Acting, input: ActInput): Promise<DecisionEntry['actions']> {
  const { decision } = input;
  const actions: Array<DecisionEntry['actions'][number]> = [];
  const run = actRun(acting, input, actions);
  const { records } = run;
  const active = activeExecutors(run);
  let revalidated = false;
  for (const executor of active) {
    if (executor.changesInstances && !revalidated) {
      for (const [id, why] of await revalidate(acting, startingDrains(decision.commands, records))) run.abandoned.set(id, why);
      revalidated = true;
    }
    await executor.execute(run);
  }
  if (decision.dryRun) {
    // Requests are settled even in dry-run (there, instance requests are refused): none stays queued.
    for (const command of decision.commands) if (command.kind !== 'settle') run.record(command, 'planned only: the fleet is in dry-run');
  }
  return actions;
}
