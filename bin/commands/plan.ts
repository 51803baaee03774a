/**
 * `fleetward plan <fleet>`: what the fleet's next step would decide now — desired capacity and
 * why, notes, and every command with its reason — observed and decided without taking the lease,
 * acting on nothing and writing nothing.
 */
import type { Command as Program } from 'commander';
import { planFleetStep } from '../../functions/control/run-step.ts';
import type { Command, MetricReading } from '../../functions/core/model.ts';
import type { StepDecision } from '../../functions/core/step/index.ts';
import { time } from './format.ts';
import { type CliIo, type CommonOptions, type RunOptions, Session, withCommonOptions } from './session.ts';

export interface PlanView {
  readonly fleet: string;
  /** The number the step would have. */
  readonly step: number;
  readonly desiredCapacity: number;
  readonly direction: StepDecision['direction'];
  readonly reason: string;
  readonly capacity: StepDecision['capacity'];
  readonly metric: MetricReading;
  readonly notes: readonly string[];
  readonly dryRun: boolean;
  readonly commands: readonly Command[];
}

function metricLine(metric: MetricReading): string {
  return metric.kind === 'value' ? `${metric.label} = ${metric.value} at ${time(metric.timestampMs)}` : `${metric.label}: ${metric.why}`;
}

export function commandLine(command: Command): string {
  switch (command.kind) {
    case 'launch':
      return `launch ${command.capacityUnits} unit(s)${command.pool === true ? ' into the warm pool' : ''} in ${command.subnetId} (${command.availabilityZone}): ${command.reason}`;
    case 'pool':
      return `${command.action} warm pool member(s) ${command.instanceIds.join(', ')}: ${command.reason}`;
    case 'advance':
      return `advance ${command.instanceId}: ${command.reason} -> ${[...command.actions, command.lifecycle].join(', ')}`;
    case 'settle':
      return `settle request ${command.requestId}: ${command.accepted ? 'accept' : 'refuse'}: ${command.reason}`;
    default:
      return `${command.kind} ${command.instanceId}: ${command.reason}`;
  }
}

function render(plan: PlanView): string {
  const { capacity } = plan;
  return [
    `plan for fleet ${plan.fleet}: what step ${plan.step} would do now (nothing was changed)${plan.dryRun ? '; the fleet is in dry-run, so it would act on nothing' : ''}`,
    `  desired ${plan.desiredCapacity}: ${plan.reason}`,
    `  metric: ${metricLine(plan.metric)}`,
    `  capacity: ${capacity.currentUnits} unit(s) in ${capacity.instances} instance(s), ${capacity.warmingInstances} warming, ${capacity.replacingUnits} being replaced`,
    ...plan.notes.map((note) => `  note: ${note}`),
    plan.commands.length === 0 ? 'commands: none' : `commands (${plan.commands.length}):`,
    ...plan.commands.map((command) => `  ${commandLine(command)}`),
  ].join('\n');
}

export function registerPlan(program: Program, io: CliIo, run: RunOptions): void {
  withCommonOptions(
    program
      .command('plan')
      .description("what the fleet's next step would do now, acting on nothing")
      .argument('<fleet>', 'the fleet'),
  ).action(async (name: string, options: CommonOptions) =>
    Session.with(options, io, run, async (session) => {
      const fleet = session.fleet(name);
      const { metric, decision } = await planFleetStep(session.deps, fleet);
      session.print<PlanView>(
        {
          fleet: fleet.name,
          step: decision.step,
          desiredCapacity: decision.desiredCapacity,
          direction: decision.direction,
          reason: decision.reason,
          capacity: decision.capacity,
          metric,
          notes: decision.notes,
          dryRun: decision.dryRun,
          commands: decision.commands,
        },
        render,
      );
    }),
  );
}
