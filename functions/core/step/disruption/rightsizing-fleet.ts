/**
 * Rightsizing a fleet of more than one: an instance whose utilisation percentile over the window
 * fits a cheaper listed type of the same weight is replaced first — the replacement launches as
 * that type through the usual launch phase, then the old instance drains — oldest of the largest
 * savings first. A fleet with a mix is left to the mix (the types that cannot hold its load per unit leave
 * its problem, core/mix/step-exclusions.ts, and the mix method moves what runs); the fleet must be
 * at desired, and without a disruption budget naming rightsizing it moves one at a time.
 */
import type { FleetConfig } from '../../config.ts';
import { type ResizeVerdict, rightsize } from '../../rightsizing/fit.ts';
import type { RightsizingView } from '../../rightsizing/view.ts';
import { type Member, sumUnits } from '../../placement.ts';
import { type DisruptionContext, type Move, NOTHING, type Proposal } from './method.ts';

type Resize = Extract<ResizeVerdict, { kind: 'resize' }>;

const budgeted = (fleet: FleetConfig) => (fleet.disruption?.budgets ?? []).some((budget) => budget.reasons === undefined || budget.reasons.includes('rightsizing'));

/** The listed types an instance may be replaced by one for one: those of its own weight, so the fleet's units stay. */
const sameWeight = (fleet: FleetConfig, member: Member) => fleet.instanceTypes.filter((t) => t.weight === member.units).map((t) => t.type);

interface Sized {
  readonly member: Member;
  readonly verdict: ResizeVerdict;
}

/** The verdict for each unprotected member whose utilisation the shell read this step. */
function verdicts(fleet: FleetConfig, members: readonly Member[], view: RightsizingView): Sized[] {
  const settings = fleet.rightsizing;
  if (settings === undefined) return [];
  return members
    .filter((m) => !m.protected && view.usage[m.instanceId] !== undefined)
    .map((member) => ({ member, verdict: rightsize(member.instanceType, view.usage[member.instanceId], sameWeight(fleet, member), view, settings) }));
}

function moveOf(member: Member, verdict: Resize, window: string): Move {
  return {
    instanceId: member.instanceId,
    launchedAtMs: member.launchedAtMs,
    reason: `rightsizing ${member.instanceId}: ${verdict.reason}; replaced by a ${verdict.toType} first${window}`,
    keepCapacity: true,
    replaceWith: verdict.toType,
    monthlySavingUsd: verdict.monthlySavingUsd,
  };
}

/** One note for the instances that keep their type or cannot be sized: the first, and how many more. */
function keptNote(kept: readonly Sized[]): string[] {
  const [first] = kept;
  if (first === undefined) return [];
  const more = kept.length > 1 ? `; and ${kept.length - 1} more keep their type or cannot be sized` : '';
  return [`rightsizing ${first.member.instanceId}: ${first.verdict.reason}${more}`];
}

export function proposeFleetRightsizing(context: DisruptionContext): Proposal {
  const { fleet, members, desired, rightsizing: view, maintenanceWindow } = context;
  const settings = fleet.rightsizing;
  if (settings === undefined) return NOTHING;
  if (fleet.mix !== undefined) return { moves: [], notes: ['rightsizing: in a fleet with a mix section the types that cannot hold the load per unit of the fleet leave the mix (core/mix/step-exclusions.ts); the mix chooses the types and its method moves what runs'] };
  if (view === undefined || sumUnits(members) < desired) return NOTHING;
  const oneAtATime = !budgeted(fleet);
  if (oneAtATime && (context.disrupting ?? 0) > 0) return NOTHING;
  const sized = verdicts(fleet, members, view);
  const resizes = sized
    .flatMap((s) => (s.verdict.kind === 'resize' ? [{ member: s.member, verdict: s.verdict }] : []))
    .sort((a, b) => b.verdict.monthlySavingUsd - a.verdict.monthlySavingUsd || a.member.launchedAtMs - b.member.launchedAtMs || (a.member.instanceId < b.member.instanceId ? -1 : 1));
  const notes = keptNote(sized.filter((s) => s.verdict.kind !== 'resize'));
  if (resizes.length > 0 && settings.inMaintenanceWindow && !maintenanceWindow.open) {
    return { moves: [], notes: [...notes, `rightsizing: ${resizes.length} over-sized instance(s) wait for a maintenance window (rightsizing.inMaintenanceWindow): ${maintenanceWindow.why}`] };
  }
  const window = settings.inMaintenanceWindow ? `; ${maintenanceWindow.why}` : '';
  const moves = resizes.map((r) => moveOf(r.member, r.verdict, window));
  return oneAtATime ? { moves, notes, atMost: 1 } : { moves, notes };
}
