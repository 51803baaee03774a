/**
 * One control step's decision for one fleet, as named pure phases in the order they run: sort
 * out whose instances they are, settle operator requests, reconcile records with EC2, assess
 * health (failover), decide the desired capacity, run the voluntary disruption methods within
 * the budget (a roll onto another image among them), start from the warm pool and launch what is missing, and advance everything out of service. Each phase reads
 * the context and returns what it decides.
 */
import { type Evacuation, type StepContext, type StepDecision, type StepInput, byInstanceId, isEvacuated, stepContext } from './context.ts';
import { advanceOutOfService } from './advance.ts';
import { assessHealth } from './assess-health.ts';
import { type CapacityPlan, planCapacity } from './decide-capacity.ts';
import { insideMaintenanceWindow } from '../calendar/maintenance-window.ts';
import { disrupt } from './disruption/index.ts';
import { disruptionBudgets } from './disruption/budget.ts';
import { budgetWindowsAfter } from './disruption/budget-window.ts';
import { type DrainStart, drainingRecord } from './drains.ts';
import { evacuationProgress } from './evacuation-progress.ts';
import { nextStatus } from './next-status.ts';
import { ownershipReport, releaseUnowned } from './ownership.ts';
import { pausedDecision } from './paused.ts';
import { planScaleOut } from './warm-pool.ts';
import { reconcile } from './reconcile.ts';
import { resizingUnits, startingResizeUnits } from './resizing.ts';
import { planRoll, withRollImage } from './roll-phase.ts';
import { settleRequests } from './settle-requests.ts';
import type { InstanceRecord } from '../model.ts';

export type { CapacitySnapshot, NextStatus, StepDecision, StepInput } from './context.ts';
export { launchBackoffSeconds } from './plan-launches.ts';

const drainsOf = (context: StepContext, records: readonly InstanceRecord[], starts: readonly DrainStart[]) => {
  if (starts.length === 0) return [];
  const byId = byInstanceId(records);
  return starts.map((start) => drainingRecord(byId.get(start.instanceId), start, context.nowMs));
};

/** The drains under way that name their replacement's type and still wait for it (a deregistered one's replacement serves already). */
const replacementsOf = (leaving: readonly InstanceRecord[]) =>
  leaving.flatMap((r) =>
    r.lifecycle === 'draining' && r.drain?.replaceWith !== undefined && r.drain.deregisteredAtMs === undefined ? [{ instanceId: r.instanceId, type: r.drain.replaceWith }] : [],
  );

/** The zones replacements may launch into: neither degraded nor evacuated, in config order. */
const launchZones = (context: StepContext, degraded: ReadonlySet<string>, evacuating: Evacuation) => [
  ...new Set(context.subnets.filter((s) => !degraded.has(s.availabilityZone) && !isEvacuated(evacuating, s)).map((s) => s.availabilityZone)),
];

function forecastOutputs(input: StepInput, plan: CapacityPlan): Pick<StepDecision, 'loadPoint' | 'forecastModel'> {
  const fit = plan.forecast?.fit;
  const fitted = fit !== undefined && 'model' in fit && fit.model !== input.predictive?.model ? { forecastModel: fit.model } : {};
  return { ...(plan.loadPoint === undefined ? {} : { loadPoint: plan.loadPoint }), ...fitted };
}

/** The mix this step was solved to, and what its prices said, for the decision log. */
const mixNotes = ({ mix }: StepContext): string[] => (mix === undefined ? [] : [...mix.notes, mix.decision.reason]);

export function decideStep(input: StepInput): StepDecision {
  const context = stepContext(input);
  const { fleet } = context;
  const owned = releaseUnowned(context, input.records, context.ownership.released);
  const unowned = ownershipReport(context.ownership, input.status);
  const settled = settleRequests(context, owned.records, input.requests ?? []);
  if (settled.paused) return pausedDecision(context, settled, unowned);
  const reconciled = reconcile(context, settled.records);
  const health = assessHealth(context, settled.records, reconciled.candidates);
  const leavingForHealth = new Set(health.drains.map((d) => d.instanceId));
  const outOfService = [...settled.records.filter((r) => r.lifecycle === 'draining' || r.lifecycle === 'returning'), ...drainsOf(context, settled.records, health.drains)];
  const healthy = reconciled.candidates.filter((m) => !health.failed.has(m.instanceId) && !leavingForHealth.has(m.instanceId));
  const draining = outOfService.filter((r) => r.lifecycle === 'draining');
  const budgets = disruptionBudgets(fleet, healthy.length + draining.length, { nowMs: context.nowMs, counts: context.status?.budgetWindows });
  const evacuation = evacuationProgress(context, settled.evacuating, healthy, draining, budgets);

  const unitsInFlight = health.unitsInFlight + resizingUnits(context, settled.records);
  const capacity = planCapacity(context, input, healthy, unitsInFlight);
  const { decision } = capacity;
  const desired = decision.desiredCapacity;
  const { evacuating } = evacuation;
  const roll = planRoll(context, input.images, healthy, draining);
  const maintenanceWindow = insideMaintenanceWindow(fleet, context.nowMs);
  const zones = launchZones(context, health.degraded, evacuating);
  const optional = {
    ...(roll.plan === undefined ? {} : { roll: roll.plan }),
    ...(input.rightsizing === undefined ? {} : { rightsizing: input.rightsizing }),
    ...(context.mix === undefined ? {} : { mix: context.mix }),
  };
  const disruption = disrupt({ fleet, nowMs: context.nowMs, desired, members: healthy, evacuating, zones, budgets, disrupting: draining.length, degraded: health.degraded, maintenanceWindow, ...optional });
  const leaving = [...outOfService, ...drainsOf(context, settled.records, disruption.drains)];
  const replacements = replacementsOf(leaving);
  const launches = planScaleOut(context, { desired, staying: disruption.staying, unitsInFlight: unitsInFlight + startingResizeUnits(healthy, disruption.drains), degraded: health.degraded, evacuating, replacements }, settled.records, reconciled.adoptions);
  const advances = advanceOutOfService(context, leaving, disruption.staying, desired);
  return {
    step: context.step,
    desiredCapacity: desired,
    direction: decision.direction,
    reason: decision.reason,
    ...(decision.recommendation === undefined ? {} : { recommendation: decision.recommendation }),
    capacity: capacity.snapshot,
    commands: withRollImage([...owned.releases, ...settled.commands, ...reconciled.forgets, ...health.commands, ...reconciled.adoptions, ...launches.commands, ...advances], roll.state, input.images),
    notes: [...unowned.notes, ...health.notes, ...mixNotes(context), ...evacuation.notes, ...roll.notes, ...disruption.notes, ...launches.notes],
    dryRun: fleet.dryRun,
    nextStatus: nextStatus(context, { paused: false, evacuating, roll: roll.state, budgetWindows: budgetWindowsAfter(fleet, context.nowMs, context.status?.budgetWindows, disruption.started), idleSinceMs: capacity.idleSinceMs, scheduledDesiredAtMs: capacity.scheduledDesiredAtMs, metricUnsettled: capacity.metricUnsettled }, decision),
    ...forecastOutputs(input, capacity),
    ...(input.metric.kind === 'not-read' ? { metricNotRead: true as const } : {}),
    unowned,
  };
}
