/**
 * Adopting the instances that carry the fleet tag but have no record: in service (or in
 * maintenance, as its tag says) from now on, every adoption of the step in one batch of writes
 * (a launch a crash cut off before its records leaves up to a whole launch of them).
 */
import type { Executor } from './executor.ts';

export const adoptAll: Executor = {
  name: 'adopt',
  inDryRun: false,
  changesInstances: false,
  hasWork: (run) => run.decision.commands.some((command) => command.kind === 'adopt'),
  execute: async (run) => {
    const { deps, fleet } = run.acting;
    const adoptions = run.decision.commands.flatMap((command) => (command.kind === 'adopt' ? [command] : []));
    const records = adoptions.map((command) => ({ instanceId: command.instanceId, lifecycle: command.lifecycle, launchedAtMs: command.launchedAtMs, reason: `adopted: ${command.reason}` }));
    await deps.records.putNewInstances(fleet.name, records);
    for (const command of adoptions) {
      run.current.set(command.instanceId, { version: 1, lifecycle: command.lifecycle });
      run.record(command, `recorded as ${command.lifecycle}`);
    }
  },
};
