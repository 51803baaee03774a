/**
 * The commands that change something: drain, maintenance enter|exit, continue, heartbeat,
 * cancel, evacuate, pause and resume. None of them touches a record: each validates, queues an
 * operator request, and runs one control step for the fleet under its lease, which settles the
 * request and records it in the decision log; then it reports what the step did.
 */
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { runFleetStep } from '../../functions/control/run-step.ts';
import type { FleetConfig } from '../../functions/core/config.ts';
import { settleInstanceRequest } from '../../functions/core/lifecycle.ts';
import type { OperatorRequest } from '../../functions/core/model.ts';
import type { DecisionEntry } from '../../functions/ports/index.ts';
import { actionLine, requestLabel } from './format.ts';
import { type CliIo, CliError, type CommonOptions, type RunOptions, Session, withCommonOptions } from './session.ts';

type RequestOptions = CommonOptions & { readonly step: boolean };

type InstanceRequestKind = Extract<OperatorRequest['kind'], 'drain' | 'maintenance-enter' | 'maintenance-exit' | 'continue' | 'heartbeat' | 'cancel'>;

export interface RequestReport {
  readonly fleet: string;
  readonly request: OperatorRequest;
  /** Still waiting for a step to settle it. */
  readonly queued: boolean;
  /** Why no step ran now: --no-step, or who holds the fleet's lease. */
  readonly waiting?: string;
  /** The step this command ran, when it ran one. */
  readonly step?: { readonly step: number; readonly desiredCapacity: number; readonly reason: string; readonly notes: readonly string[] };
  /** What the step did with the request: applied, or refused with the reason. */
  readonly settled?: { readonly outcome: string; readonly reason: string };
  /** Everything else the step did, as in the decision log. */
  readonly actions: DecisionEntry['actions'];
}

function newRequest(session: Session, kind: OperatorRequest['kind'], subject: Pick<OperatorRequest, 'instanceId' | 'zone' | 'subnetId'>): OperatorRequest {
  return { requestId: randomUUID(), kind, ...subject, requestedAtMs: session.now, requestedBy: session.operator };
}

/** The instance's fleet and record, and the request settled against it now: refused means bad input. */
async function validateInstanceRequest(session: Session, kind: InstanceRequestKind, instanceId: string) {
  const [instance] = await session.deps.compute.describeInstances([instanceId]);
  if (instance === undefined) throw new CliError(`instance ${instanceId} not found`);
  const fleet = session.config.fleets.find((f) => f.name === instance.fleetTag);
  if (fleet === undefined) throw new CliError(`${instanceId} is not in a fleet this config manages`);
  const record = (await session.deps.records.listInstances(fleet.name)).find((r) => r.instanceId === instanceId);
  const request = newRequest(session, kind, { instanceId });
  const settled = settleInstanceRequest(request, record, fleet, session.now);
  if (!settled.accepted) throw new CliError(settled.reason);
  return { fleet, request };
}

/** The fleet to evacuate: the one named, or the only one with that zone or subnet. */
async function evacuatedFleet(session: Session, where: { zone?: string; subnetId?: string }, name: string | undefined): Promise<FleetConfig> {
  const candidates = name === undefined ? session.config.fleets : [session.fleet(name)];
  const matches: FleetConfig[] = [];
  const zonesOf = new Map<string, string[]>();
  for (const fleet of candidates) {
    if (where.subnetId !== undefined) {
      if (fleet.subnets.includes(where.subnetId)) matches.push(fleet);
      continue;
    }
    const zones = [...new Set((await session.deps.compute.describeSubnets(fleet.subnets)).map((s) => s.availabilityZone))].sort();
    zonesOf.set(fleet.name, zones);
    if (where.zone !== undefined && zones.includes(where.zone)) matches.push(fleet);
  }
  const target = where.zone ?? where.subnetId ?? '';
  const [only] = matches;
  if (only !== undefined && matches.length === 1) return only;
  if (matches.length > 1) throw new CliError(`${target} is used by fleets ${matches.map((f) => f.name).join(', ')}: name one with --fleet`);
  if (name !== undefined) {
    throw new CliError(
      where.subnetId !== undefined
        ? `${target} is not a subnet of fleet ${name}`
        : `${target} is not a zone of fleet ${name} (its zones: ${(zonesOf.get(name) ?? []).join(', ')})`,
    );
  }
  throw new CliError(`no fleet this config manages has ${where.subnetId !== undefined ? 'the subnet' : 'a subnet in'} ${target}`);
}

/** Queues the request, runs one step for the fleet unless told not to, and reports what happened to it. */
async function submit(session: Session, fleet: FleetConfig, request: OperatorRequest, options: RequestOptions): Promise<void> {
  const { records } = session.deps;
  await records.putRequest(fleet.name, request);
  const base = { fleet: fleet.name, request };
  if (!options.step) {
    session.print({ ...base, queued: true, waiting: '--no-step given', actions: [] }, render);
    return;
  }
  const outcome = await runFleetStep(session.deps, fleet, `operator: ${requestLabel(request)}`);
  const queued = (await records.listRequests(fleet.name)).some((r) => r.requestId === request.requestId);
  if (outcome.outcome === 'skipped') {
    session.print({ ...base, queued, waiting: outcome.reason, actions: [] }, render);
    return;
  }
  if (outcome.outcome === 'failed') {
    const fate = queued ? 'the request stays queued for the next step' : 'the request was settled before the failure';
    throw new CliError(`the step for fleet ${fleet.name} failed: ${outcome.reason}; ${fate}`, 1);
  }
  const settle = outcome.actions.find((a) => a.kind === 'settle' && a.commandId.endsWith(`/${request.requestId}`));
  if (settle?.outcome === 'refused') throw new CliError(settle.reason);
  const [entry] = await records.listDecisions(fleet.name, 1);
  session.print(
    {
      ...base,
      queued,
      step: {
        step: outcome.step ?? 0,
        desiredCapacity: outcome.desiredCapacity ?? 0,
        reason: outcome.reason,
        notes: entry !== undefined && entry.step === outcome.step ? entry.decision.notes : [],
      },
      ...(settle === undefined ? {} : { settled: { outcome: settle.outcome, reason: settle.reason } }),
      actions: outcome.actions.filter((a) => a !== settle),
    },
    render,
  );
}

function render(report: RequestReport): string {
  const what = `${requestLabel(report.request)} (fleet ${report.fleet}${report.step === undefined ? '' : `, step ${report.step.step}`})`;
  if (report.step === undefined) {
    return `${what} queued as request ${report.request.requestId}: ${report.waiting ?? ''}; the running or next scheduled step applies it`;
  }
  const settled = report.settled === undefined ? 'not settled by this step' : `${report.settled.outcome}: ${report.settled.reason}`;
  return [
    `${what}: ${settled}`,
    `  ${report.step.reason}`,
    ...report.step.notes.map((note) => `  note: ${note}`),
    ...report.actions.map((action) => `  ${actionLine(action)}`),
    ...(report.queued ? ['  the request stays queued'] : []),
  ].join('\n');
}

const withStepOption = (command: Command) =>
  withCommonOptions(command).option('--no-step', 'only queue the request: the next scheduled step applies it');

export function registerRequests(program: Command, io: CliIo, run: RunOptions): void {
  const instanceCommand = (parent: Command, name: string, kind: InstanceRequestKind, description: string) =>
    withStepOption(parent.command(name).description(description).argument('<instance>', 'the instance id')).action(
      async (instanceId: string, options: RequestOptions) =>
        Session.with(options, io, run, async (session) => {
          const { fleet, request } = await validateInstanceRequest(session, kind, instanceId);
          await submit(session, fleet, request, options);
        }),
    );

  instanceCommand(program, 'drain', 'drain', 'take an instance out of service and terminate it (its replacement first)');
  const maintenance = program.command('maintenance').description('take an instance out of service and keep it, or bring it back');
  instanceCommand(maintenance, 'enter', 'maintenance-enter', 'drain the instance and keep it in maintenance: nothing touches it');
  instanceCommand(maintenance, 'exit', 'maintenance-exit', 'return the instance to service after its health checks');
  instanceCommand(program, 'continue', 'continue', "signal a draining instance's wait for continue is over");
  instanceCommand(program, 'heartbeat', 'heartbeat', 'restart the wait for continue of a draining instance');
  instanceCommand(program, 'cancel', 'cancel', 'cancel the drain of an instance: back in service');

  withStepOption(
    program
      .command('evacuate')
      .description('drain every instance of a zone or subnet, within the drain budget of the fleet')
      .option('--az <zone>', 'the availability zone to empty')
      .option('--subnet <id>', 'the subnet to empty')
      .option('--fleet <name>', 'the fleet (needed when several fleets use the zone or subnet)'),
  ).action(async (options: RequestOptions & { az?: string; subnet?: string; fleet?: string }) => {
    if ((options.az === undefined) === (options.subnet === undefined)) throw new CliError('give exactly one of --az <zone> or --subnet <id>');
    const where = options.az !== undefined ? { zone: options.az } : { subnetId: options.subnet ?? '' };
    await Session.with(options, io, run, async (session) => {
      const fleet = await evacuatedFleet(session, where, options.fleet);
      await submit(session, fleet, newRequest(session, 'evacuate', where), options);
    });
  });

  const fleetCommand = (name: 'pause' | 'resume', description: string) =>
    withStepOption(program.command(name).description(description).argument('<fleet>', 'the fleet')).action(
      async (fleetName: string, options: RequestOptions) =>
        Session.with(options, io, run, async (session) => {
          const fleet = session.fleet(fleetName);
          if (name === 'resume' && (await session.deps.records.getStatus(fleet.name))?.paused !== true) {
            throw new CliError(`fleet ${fleet.name} is not paused`);
          }
          await submit(session, fleet, newRequest(session, name, {}), options);
        }),
    );
  fleetCommand('pause', 'stop acting on the fleet: steps record what they see and act on nothing');
  fleetCommand('resume', 'let steps act on the fleet again');
}
