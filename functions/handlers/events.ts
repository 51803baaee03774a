/**
 * The events that start a control step, validated at the edge, and the trigger each becomes:
 * an idempotency key plus the fleets to step. Anything else is rejected with the reason.
 */
import { z } from 'zod';
import type { FleetConfig, FleetwardConfig } from '../core/config.ts';
import { InvalidEventError } from '../ports/errors.ts';

/** Alarms named fleetward-<fleet>-… route to that fleet without being listed in the config. */
export const ALARM_NAME_PREFIX = 'fleetward-';

const scheduleEvent = z.object({
  source: z.literal('fleetward.schedule'),
  executionId: z.string().min(1),
  scheduledTime: z.string().min(1),
});

const alarmEvent = z.object({
  id: z.string().min(1),
  source: z.literal('aws.cloudwatch'),
  'detail-type': z.literal('CloudWatch Alarm State Change'),
  detail: z.object({
    alarmName: z.string().min(1),
    state: z.object({ value: z.string() }),
  }),
});

const triggerEvent = z.union([scheduleEvent, alarmEvent]);

export interface Trigger {
  /** Deterministic per delivered event: a redelivery has the same id. */
  readonly id: string;
  readonly description: string;
  readonly fleets: readonly FleetConfig[];
}

function fleetForAlarm(config: FleetwardConfig, alarmName: string): FleetConfig | undefined {
  return (
    config.fleets.find((fleet) => fleet.scaling.scaleOutAlarms.includes(alarmName)) ??
    config.fleets.find((fleet) => alarmName.startsWith(`${ALARM_NAME_PREFIX}${fleet.name}-`))
  );
}

/** Validates an incoming event; throws InvalidEventError saying what is wrong with it. */
export function parseTrigger(event: unknown, config: FleetwardConfig): Trigger {
  const parsed = triggerEvent.safeParse(event);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`);
    throw new InvalidEventError(`not a schedule or CloudWatch alarm event: ${problems.join('; ')}`);
  }
  const value = parsed.data;
  if (value.source === 'fleetward.schedule') {
    return { id: `schedule:${value.executionId}`, description: `schedule at ${value.scheduledTime}`, fleets: config.fleets };
  }
  if (value.detail.state.value !== 'ALARM') {
    throw new InvalidEventError(`alarm ${value.detail.alarmName} changed to ${value.detail.state.value}, not ALARM`);
  }
  const fleet = fleetForAlarm(config, value.detail.alarmName);
  if (fleet === undefined) {
    throw new InvalidEventError(`alarm ${value.detail.alarmName} does not belong to any fleet`);
  }
  return { id: `alarm:${value.id}`, description: `alarm ${value.detail.alarmName}`, fleets: [fleet] };
}
