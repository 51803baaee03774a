/**
 * `fleetward history <fleet>`: the fleet's decision log, newest first: when, what triggered
 * the step, the desired capacity and why, notes, and every action with its reason and outcome;
 * a step that was skipped or failed, with why; a heartbeat, with the step it is unchanged since.
 */
import { type Command, InvalidArgumentError } from 'commander';
import type { DecisionEntry } from '../../functions/ports/index.ts';
import { actionLine, time } from './format.ts';
import { type CliIo, type CommonOptions, type RunOptions, Session, withCommonOptions } from './session.ts';

const DEFAULT_LIMIT = 10;

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('must be a positive integer.');
  return parsed;
}

export function renderDecision(entry: DecisionEntry): string {
  const { decision, stopped } = entry;
  if (stopped !== undefined) return `${stopped.outcome} after step ${entry.step}  ${time(entry.atMs)}  ${entry.trigger}\n  ${decision.reason}`;
  const { unchanged } = entry;
  return [
    ...(unchanged === undefined ? [] : [`steps unchanged since step ${unchanged.sinceStep} (${time(unchanged.sinceMs)}): not recorded, this one is their heartbeat`]),
    `step ${entry.step}  ${time(entry.atMs)}  ${entry.trigger}  desired ${decision.desiredCapacity}${decision.dryRun ? '  (dry-run)' : ''}`,
    `  ${decision.reason}`,
    ...decision.notes.map((note) => `  note: ${note}`),
    ...entry.actions.map((action) => `  ${actionLine(action)}`),
  ].join('\n');
}

export function registerHistory(program: Command, io: CliIo, run: RunOptions): void {
  withCommonOptions(
    program
      .command('history')
      .description("the fleet's decisions, newest first, with their reasons and what each action did")
      .argument('<fleet>', 'the fleet')
      .option('--limit <n>', 'how many steps to show', positiveInteger, DEFAULT_LIMIT),
  ).action(async (name: string, options: CommonOptions & { limit: number }) =>
    Session.with(options, io, run, async (session) => {
      const fleet = session.fleet(name);
      const decisions = await session.deps.records.listDecisions(fleet.name, options.limit);
      session.print({ fleet: fleet.name, decisions }, ({ decisions: list }) =>
        list.length === 0 ? `fleet ${fleet.name} has no decisions yet` : list.map(renderDecision).join('\n\n'),
      );
    }),
  );
}
