/**
 * Phase one: settle the operator requests queued since the last step, oldest first. Fleet
 * requests (pause, resume, evacuate) change the fleet's state; instance requests (drain,
 * maintenance, continue, heartbeat, cancel) change one record. Each is accepted or refused with
 * the reason, and a later request sees what an earlier one did.
 */
import { stepCommandId } from '../command-ids.ts';
import { settleInstanceRequest } from '../lifecycle.ts';
import type { Command, InstanceRecord, OperatorRequest } from '../model.ts';
import { type Evacuation, NO_EVACUATION, type StepContext, byInstanceId } from './context.ts';

type SettleCommand = Extract<Command, { kind: 'settle' }>;
type Outcome = Pick<SettleCommand, 'accepted' | 'reason'> & Partial<Pick<SettleCommand, 'instanceId' | 'record' | 'reregister'>>;

export interface Settlement {
  readonly commands: readonly SettleCommand[];
  /** The records as the accepted requests leave them. */
  readonly records: readonly InstanceRecord[];
  readonly paused: boolean;
  readonly evacuating: Evacuation;
}

interface FleetState {
  readonly paused: boolean;
  readonly evacuating: Evacuation;
}

const union = (items: readonly string[], item: string | undefined) => (item === undefined ? items : [...new Set([...items, item])]);

function settleEvacuation(context: StepContext, request: OperatorRequest, state: FleetState): { outcome: Outcome; state: FleetState } {
  const { fleet } = context;
  const { zone, subnetId } = request;
  const zones = new Set(context.subnets.map((s) => s.availabilityZone));
  if (zone !== undefined && !zones.has(zone)) {
    return { outcome: { accepted: false, reason: `${zone} is not a zone of fleet ${fleet.name} (its zones: ${[...zones].sort().join(', ')})` }, state };
  }
  if (subnetId !== undefined && !fleet.subnets.includes(subnetId)) {
    return { outcome: { accepted: false, reason: `${subnetId} is not a subnet of fleet ${fleet.name}` }, state };
  }
  const evacuating = { zones: union(state.evacuating.zones, zone), subnets: union(state.evacuating.subnets, subnetId) };
  return { outcome: { accepted: true, reason: `evacuation of ${zone ?? subnetId} requested by ${request.requestedBy}` }, state: { ...state, evacuating } };
}

/** A pause, resume or evacuate request: its outcome and the fleet state after it. */
function settleFleetRequest(context: StepContext, request: OperatorRequest, state: FleetState): { outcome: Outcome; state: FleetState } {
  if (request.kind === 'pause') return { outcome: { accepted: true, reason: `fleet paused by ${request.requestedBy}` }, state: { ...state, paused: true } };
  if (request.kind === 'resume') {
    const outcome = state.paused
      ? { accepted: true, reason: `fleet resumed by ${request.requestedBy}` }
      : { accepted: false, reason: `fleet ${context.fleet.name} is not paused` };
    return { outcome, state: { ...state, paused: false } };
  }
  return settleEvacuation(context, request, state);
}

/** A request about one instance, settled against its record as earlier requests left it. */
function settleAboutInstance(context: StepContext, request: OperatorRequest, record: InstanceRecord | undefined): Outcome {
  const { fleet, nowMs } = context;
  const instanceId = request.instanceId ?? '';
  if (fleet.dryRun) {
    const reason = `fleet ${fleet.name} is in dry-run: it acts on no instance, so ${request.kind} of ${request.instanceId ?? 'it'} is refused`;
    return { accepted: false, reason, instanceId };
  }
  const settled = settleInstanceRequest(request, record, fleet, nowMs);
  if (!settled.accepted) return { accepted: false, reason: settled.reason, instanceId };
  return {
    accepted: true,
    reason: settled.reason,
    instanceId,
    ...(settled.record ? { record: settled.record } : {}),
    ...(settled.reregister ? { reregister: true } : {}),
  };
}

const FLEET_REQUESTS: ReadonlySet<OperatorRequest['kind']> = new Set(['pause', 'resume', 'evacuate']);

export function settleRequests(context: StepContext, records: readonly InstanceRecord[], requests: readonly OperatorRequest[]): Settlement {
  if (requests.length === 0) return { commands: [], records, paused: context.status?.paused ?? false, evacuating: context.status?.evacuating ?? NO_EVACUATION };
  const recordById = byInstanceId(records);
  let state: FleetState = { paused: context.status?.paused ?? false, evacuating: context.status?.evacuating ?? NO_EVACUATION };
  const commands: SettleCommand[] = [];
  for (const request of requests) {
    let outcome: Outcome;
    if (FLEET_REQUESTS.has(request.kind)) {
      ({ outcome, state } = settleFleetRequest(context, request, state));
    } else {
      outcome = settleAboutInstance(context, request, recordById.get(request.instanceId ?? ''));
      if (outcome.record !== undefined) recordById.set(outcome.record.instanceId, outcome.record);
    }
    const id = stepCommandId(context.fleet.name, context.step, 'settle', request.requestId);
    commands.push({ kind: 'settle', id, requestId: request.requestId, ...outcome });
  }
  return { commands, records: [...recordById.values()], ...state };
}
