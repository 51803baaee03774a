/**
 * The roll onto another image, as a state carried from step to step (FleetStatus.roll): when one
 * starts (an instance runs an image other than the fleet's newest approved one), how far it may
 * replace now (the checkpoint's share, minus what is replacing already), when it bakes, and when
 * the alarm turns it into a rollback. Which instances go is the roll disruption method's choice.
 */
import type { RollConfig } from '../config.ts';
import { isoUtcToMs } from '../iso-time.ts';
import type { RollState } from '../model.ts';
import type { Member } from '../placement.ts';

/** What the shell read of images for this step (docs/images.md#rolls). */
export interface ImageView {
  /** The image the fleet's launch template version names. */
  readonly templateImageId?: string;
  /** The newest image of images.roll.source the policy approves, when a source is configured. */
  readonly newestImageId?: string;
  /** images.roll.alarm is in ALARM. */
  readonly alarmFiring: boolean;
}

/** What the roll may do this step: replace up to `count` instances not on `targetImageId`. */
export interface RollPlan {
  readonly targetImageId: string;
  readonly count: number;
  /** Past images.roll.forceAfter: budgets and protection do not hold it back. */
  readonly forced: boolean;
  /** The checkpoint and its numbers, for each move's reason. */
  readonly why: string;
}

export interface RollDecision {
  readonly state?: RollState;
  readonly plan?: RollPlan;
  readonly notes: readonly string[];
}

interface RollFacts {
  readonly config: RollConfig;
  readonly previous: RollState | undefined;
  readonly view: ImageView;
  /** In service and healthy. */
  readonly members: readonly Member[];
  /** Instances draining for the roll already. */
  readonly rollDraining: number;
  readonly nowMs: number;
}

/** A drain's reason starts so when the roll took the instance out. */
export const ROLL_REASON = 'rolling ';

const ACTIVE: ReadonlySet<RollState['phase']> = new Set(['rolling', 'baking', 'rolling-back']);

const isForced = (config: RollConfig, nowMs: number) => config.forceAfter !== undefined && nowMs >= isoUtcToMs(config.forceAfter);

const eligible = (facts: RollFacts, target: string) =>
  facts.members.filter((m) => m.imageId !== target && (!m.protected || isForced(facts.config, facts.nowMs)));

/** The image most members run other than `target`: what a roll moves the fleet off. */
function mostRun(members: readonly Member[], target: string): string | undefined {
  const counts = new Map<string, number>();
  for (const m of members) if (m.imageId !== undefined && m.imageId !== target) counts.set(m.imageId, (counts.get(m.imageId) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
}

/** A roll that starts now, when an instance runs another image than the wanted one and the wanted one was not rolled back from. */
function startRoll(facts: RollFacts): RollState | undefined {
  const { previous, view, nowMs } = facts;
  const target = view.newestImageId ?? view.templateImageId;
  if (target === undefined || target === previous?.refusedImageId) return undefined;
  const from = mostRun(facts.members, target);
  if (from === undefined || eligible(facts, target).length === 0) return undefined;
  const source = view.newestImageId === undefined ? 'the launch template names' : 'is the newest approved image';
  const reason = `image ${target} ${source}; ${facts.members.filter((m) => m.imageId !== target).length} of ${facts.members.length} instances run another (most ${from})`;
  return { targetImageId: target, previousImageId: from, phase: 'rolling', checkpoint: 0, startedAtMs: nowMs, ...(previous?.refusedImageId === undefined ? {} : { refusedImageId: previous.refusedImageId }), reason };
}

function rollBack(state: RollState, alarm: string): RollState {
  const reason = `alarm ${alarm} is in ALARM during the roll onto ${state.targetImageId} (${state.phase}, checkpoint ${state.checkpoint + 1}): rolling back to ${state.previousImageId}`;
  return { targetImageId: state.previousImageId, previousImageId: state.targetImageId, phase: 'rolling-back', checkpoint: 0, startedAtMs: state.startedAtMs, refusedImageId: state.targetImageId, reason };
}

const shareOf = (state: RollState, config: RollConfig) => (state.phase === 'rolling-back' ? 100 : (config.checkpoints[state.checkpoint] ?? 100));

/** Rolling: the checkpoint reached (bake, or the end), or how many more to replace. */
function progress(facts: RollFacts, state: RollState): RollDecision {
  const { config, members, rollDraining, nowMs } = facts;
  const share = shareOf(state, config);
  const size = members.length + rollDraining;
  const goal = Math.ceil((size * share) / 100);
  const on = members.filter((m) => m.imageId === state.targetImageId).length;
  const left = eligible(facts, state.targetImageId).length;
  const of = state.phase === 'rolling-back' ? 'rollback' : `checkpoint ${state.checkpoint + 1} of ${config.checkpoints.length}`;
  const numbers = `${of} (${share}%: ${goal} of ${size} instances), ${on} on ${state.targetImageId}`;
  if ((on >= goal || left === 0) && rollDraining === 0) {
    const last = state.phase === 'rolling-back' || state.checkpoint >= config.checkpoints.length - 1;
    if (last) {
      const phase = state.phase === 'rolling-back' ? 'rolled-back' : 'done';
      return { state: { ...state, phase, reason: `${numbers}: the ${phase === 'done' ? 'roll' : 'rollback'} is done` }, notes: [] };
    }
    return { state: { ...state, phase: 'baking', bakeStartedAtMs: nowMs, reason: `${numbers}: reached, baking ${config.bakeSeconds} s` }, notes: [] };
  }
  const count = Math.max(0, Math.min(goal - on - rollDraining, left));
  const forced = isForced(config, nowMs);
  const why = `${state.phase === 'rolling-back' ? 'rolling back to' : 'rolling onto'} image ${state.targetImageId}: ${numbers}, ${rollDraining} replacing`;
  return { state, plan: { targetImageId: state.targetImageId, count, forced, why }, notes: [] };
}

/** The roll's state after this step and what it may replace now. */
export function decideRoll(facts: RollFacts): RollDecision {
  const { config, previous, view, nowMs } = facts;
  const active = previous !== undefined && ACTIVE.has(previous.phase) ? previous : startRoll(facts);
  if (active === undefined) return { ...(previous === undefined ? {} : { state: previous }), notes: [] };
  if (active.phase !== 'rolling-back' && view.alarmFiring && config.alarm !== undefined) {
    const back = rollBack(active, config.alarm);
    return { ...progress(facts, back), notes: [back.reason] };
  }
  if (active.phase !== 'baking') return progress(facts, active);
  const bakedMs = nowMs - (active.bakeStartedAtMs ?? nowMs);
  if (bakedMs < config.bakeSeconds * 1000) {
    return { state: active, notes: [`roll onto ${active.targetImageId}: baking at checkpoint ${active.checkpoint + 1} of ${config.checkpoints.length}, ${Math.floor(bakedMs / 1000)} of ${config.bakeSeconds} s`] };
  }
  const { targetImageId, previousImageId, startedAtMs, refusedImageId } = active;
  const reason = `checkpoint ${active.checkpoint + 1} of ${config.checkpoints.length} baked ${config.bakeSeconds} s: on to checkpoint ${active.checkpoint + 2}`;
  const next: RollState = { targetImageId, previousImageId, startedAtMs, ...(refusedImageId === undefined ? {} : { refusedImageId }), reason, phase: 'rolling', checkpoint: active.checkpoint + 1 };
  return progress(facts, next);
}
