/**
 * What an executor is: the part of a step that carries out one kind of command (or one chore of
 * its own), given what the step shares while it acts. The list of executors, in order, is ./index.ts.
 */
import type { Command, InstanceRecord, Lifecycle, OperatorRequest } from '../../core/model.ts';
import type { StepDecision } from '../../core/step/index.ts';
import type { InstanceChanges } from '../../ports/index.ts';
import type { Acting } from '../journal.ts';

export type CommandOf<K extends Command['kind']> = Extract<Command, { readonly kind: K }>;

/** What the executors of one step share while it acts. */
export interface ActRun {
  readonly acting: Acting;
  readonly decision: StepDecision;
  /** When the step observed: the time its decision was made for. */
  readonly nowMs: number;
  /** The records as the step read them, by instance id. */
  readonly records: ReadonlyMap<string, InstanceRecord>;
  readonly requests: ReadonlyMap<string, OperatorRequest>;
  /** Each record as this step last read or wrote it. */
  readonly current: Map<string, { readonly version: number; readonly lifecycle: Lifecycle }>;
  /** What this step's launch commands launched (failover replacements apart): the register chore registers them with the rest. */
  readonly launchedByLaunches: string[];
  /** Drains starting this step that re-validation abandoned, by command id, with the reason. */
  readonly abandoned: Map<string, string>;
  /** Adds a command's outcome to the decision log. */
  record(command: Command, outcome: string): void;
}

export interface Executor {
  /** The command kind it carries out, or the name of its chore. */
  readonly name: Command['kind'] | 'register';
  /** Runs in dry-run too (only settling requests does). */
  readonly inDryRun: boolean;
  /** Acts on instances or target groups: runs only after re-validation and the lease renewal. */
  readonly changesInstances: boolean;
  /** Whether this step gives it anything to do: when none that changes instances has, nothing is re-validated. */
  readonly hasWork: (run: ActRun) => boolean;
  readonly execute: (run: ActRun) => Promise<void>;
}

/** Changes a record at the version this step last saw, and remembers what it wrote. */
export async function updateRecord(run: ActRun, instanceId: string, changes: InstanceChanges): Promise<void> {
  const { deps, fleet } = run.acting;
  const known = run.current.get(instanceId);
  const version = await deps.records.updateInstance(fleet.name, instanceId, changes, known?.version ?? 1);
  run.current.set(instanceId, { version, lifecycle: changes.lifecycle ?? known?.lifecycle ?? 'in-service' });
}

const isKind = <K extends Command['kind']>(command: Command, kind: K): command is CommandOf<K> => command.kind === kind;

/**
 * An executor that carries out each of the step's commands of one kind, in decision order, and
 * logs each outcome (none when carryOut returns undefined).
 */
export function forEachCommand<K extends Command['kind']>(
  kind: K,
  carryOut: (run: ActRun, command: CommandOf<K>) => Promise<string | undefined>,
  options: Partial<Pick<Executor, 'inDryRun' | 'changesInstances'>> = {},
): Executor {
  return {
    name: kind,
    inDryRun: options.inDryRun ?? false,
    changesInstances: options.changesInstances ?? false,
    hasWork: (run) => run.decision.commands.some((command) => command.kind === kind),
    execute: async (run) => {
      for (const command of run.decision.commands) {
        if (!isKind(command, kind)) continue;
        const outcome = await carryOut(run, command);
        if (outcome !== undefined) run.record(command, outcome);
      }
    },
  };
}
