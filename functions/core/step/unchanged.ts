/**
 * Whether a step changes nothing, so that it writes nothing: no command, no action, the status the
 * same but for its step number, and the decision (capacity, direction, reason, notes) the same as
 * the newest logged entry's, by the digest the status keeps of it. Such a step is not recorded (its
 * step number is not taken) but for a heartbeat entry at least every HEARTBEAT_MS. A step that did
 * not read the metric holds on the standing recommendation, so its reason says only that: it is
 * the same as the logged one when everything but the reason is (the outcome digest).
 */
import { fnv1a32 } from '../fnv1a.ts';
import type { FleetStatus, LoggedDecision, UnchangedSince } from '../model.ts';
import type { NextStatus, StepDecision } from './context.ts';

/** The longest a fleet's decision log goes without an entry while nothing changes. */
export const HEARTBEAT_MS = 15 * 60_000;

export type Steadiness =
  | { readonly unchanged: false; readonly why: string }
  | { readonly unchanged: true; readonly heartbeat: boolean; readonly since: UnchangedSince };

/** What of a decision a steady step repeats: its logged summary. */
export type LoggedPart = Pick<StepDecision, 'desiredCapacity' | 'direction' | 'reason' | 'notes' | 'dryRun'>;

/** Text with the object keys sorted (and undefined left out), so that equal values read the same whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const fields = Object.entries(value as Record<string, unknown>).filter(([, field]) => field !== undefined);
    fields.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${fields.map(([key, field]) => `${JSON.stringify(key)}:${canonical(field)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** FNV-1a over the text, 32 bits, in hex: a short fingerprint (a collision makes a step that changed its reason look steady for one heartbeat at most). */
function fingerprint(text: string): string {
  return fnv1a32(text).toString(16).padStart(8, '0');
}

export function decisionDigest({ desiredCapacity, direction, reason, notes, dryRun }: LoggedPart): string {
  return `${fingerprint(canonical({ desiredCapacity, direction, reason, notes, dryRun }))}:${reason.length}:${notes.length}`;
}

/** The digest of the decision but its reason. */
export function outcomeDigest({ desiredCapacity, direction, notes, dryRun }: Omit<LoggedPart, 'reason'>): string {
  return `${fingerprint(canonical({ desiredCapacity, direction, notes, dryRun }))}:${notes.length}`;
}

/** Whether the decision is the logged one: by its digest, or, for a step that did not read the metric, by its outcome digest. */
function sameAsLogged(decision: LoggedPart & { readonly metricNotRead?: true }, logged: LoggedDecision): boolean {
  if (decisionDigest(decision) === logged.digest) return true;
  return decision.metricNotRead === true && logged.outcomeDigest === outcomeDigest(decision);
}

/** The status as a steady step compares it: without what only recording changes (step, version, the logged entry). */
function comparable(status: NextStatus | FleetStatus): string {
  const { step: _step, logged: _logged, unchangedSince: _since, ...rest } = status;
  const { version: _version, ...fields } = rest as typeof rest & { version?: number };
  return canonical(fields);
}

/** Whether the status the step would write, with its decision, changes nothing against the status read; a heartbeat is due after HEARTBEAT_MS without an entry. */
export function steadiness(
  status: FleetStatus | undefined,
  next: NextStatus,
  decision: LoggedPart & { readonly commands: readonly unknown[]; readonly metricNotRead?: true },
  nowMs: number,
): Steadiness {
  if (status === undefined) return { unchanged: false, why: 'the fleet has no status' };
  if (decision.commands.length > 0) return { unchanged: false, why: `${decision.commands.length} command(s)` };
  const logged: LoggedDecision | undefined = status.logged;
  if (logged === undefined) return { unchanged: false, why: 'the status names no logged entry' };
  if (comparable(next) !== comparable(status)) return { unchanged: false, why: 'the status changes' };
  if (!sameAsLogged(decision, logged)) return { unchanged: false, why: 'the decision differs from the logged one' };
  const since = status.unchangedSince ?? { sinceStep: status.step, sinceMs: logged.atMs };
  return { unchanged: true, heartbeat: nowMs - logged.atMs >= HEARTBEAT_MS, since };
}

/** The status a recorded step writes: with its entry as the logged one, and, for a heartbeat, since when nothing changed. */
export function recordedStatus(next: NextStatus, decision: LoggedPart, nowMs: number, heartbeat: UnchangedSince | undefined): NextStatus {
  const { logged: _logged, unchangedSince: _since, ...rest } = next;
  return { ...rest, logged: { atMs: nowMs, digest: decisionDigest(decision), outcomeDigest: outcomeDigest(decision) }, ...(heartbeat === undefined ? {} : { unchangedSince: heartbeat }) };
}
