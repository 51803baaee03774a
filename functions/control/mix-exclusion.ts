/**
 * A capacity error on a launch into a mix cell: the cell (type, zone, market) is left out of the
 * fleet's next solves for a while instead of backing all launches off, so the next step launches
 * into the next best cell. Other launches and other errors feed the launch backoff as before.
 */
import { MIX_EXCLUSION_MS } from '../core/mix/exclusions.ts';
import { CapacityUnavailableError } from '../ports/errors.ts';
import type { LaunchCommand } from '../ports/index.ts';
import type { Acting } from './journal.ts';

/** Records the exclusion and says so, or answers undefined when the error is not a mix cell's capacity error. */
export function excludeAfterCapacityError(acting: Acting, command: LaunchCommand, error: unknown): string | undefined {
  const [only, ...others] = command.instanceTypes;
  if (acting.fleet.mix === undefined || acting.capacityExclusions === undefined || only === undefined || others.length > 0 || !(error instanceof CapacityUnavailableError)) return undefined;
  const market = command.market ?? 'on-demand';
  const untilMs = acting.deps.clock.now() + MIX_EXCLUSION_MS;
  acting.capacityExclusions.push({ type: only.type, zone: command.availabilityZone, market, untilMs });
  return `the mix leaves out ${only.type} ${market} in ${command.availabilityZone} for ${MIX_EXCLUSION_MS / 60_000} min and solves again next step`;
}
