/**
 * The events that start a control step, validated at the edge, and the trigger each becomes:
 * an idempotency key plus the fleets to step, or the instance an EC2, AWS Health or status-check
 * event is about (its fleet is found from its tag). Anything else is rejected with the reason.
 */
import * as z from 'zod';
import type { FleetConfig, FleetwardConfig } from '../core/config.ts';
import type { InstanceSignal } from '../core/model.ts';
import { InvalidEventError } from '../ports/errors.ts';

/** Alarms named fleetward-<fleet>-… route to that fleet without being listed in the config. */
export const ALARM_NAME_PREFIX = 'fleetward-';

/** EC2 states that mean an instance left service; the others (pending, running) need no step. */
const LEAVING_STATES = new Set(['stopping', 'stopped', 'shutting-down', 'terminated']);

const scheduleEvent = z.object({
  source: z.literal('fleetward.schedule'),
  executionId: z.string().min(1),
  scheduledTime: z.string().min(1),
  /** Given by the dispatcher: this invocation steps that fleet alone. */
  fleet: z.string().min(1).optional(),
});

const alarmEvent = z.object({
  id: z.string().min(1),
  source: z.literal('aws.cloudwatch'),
  'detail-type': z.literal('CloudWatch Alarm State Change'),
  detail: z.object({
    alarmName: z.string().min(1),
    state: z.object({ value: z.string() }),
    configuration: z
      .object({
        metrics: z
          .array(
            z.object({
              metricStat: z
                .object({ metric: z.object({ name: z.string(), dimensions: z.record(z.string(), z.string()).optional() }) })
                .optional(),
            }),
          )
          .optional(),
      })
      .optional(),
  }),
});

const instanceId = z.string().regex(/^i-[0-9a-f]+$/, 'must be an instance id');

const ec2Event = z.object({
  id: z.string().min(1),
  source: z.literal('aws.ec2'),
  'detail-type': z.enum([
    'EC2 Instance State-change Notification',
    'EC2 Spot Instance Interruption Warning',
    'EC2 Instance Rebalance Recommendation',
  ]),
  detail: z.object({ 'instance-id': instanceId, state: z.string().optional(), 'instance-action': z.string().optional() }),
});

const healthEvent = z.object({
  id: z.string().min(1),
  source: z.literal('aws.health'),
  'detail-type': z.literal('AWS Health Event'),
  detail: z.object({
    service: z.string(),
    eventTypeCode: z.string(),
    startTime: z.string().optional(),
    affectedEntities: z.array(z.object({ entityValue: z.string() })).default([]),
  }),
});

// By source: an event from a source fleetward knows is checked against that source's shape, so each problem names its field.
const triggerEvent = z.discriminatedUnion('source', [scheduleEvent, alarmEvent, ec2Event, healthEvent]);

export type Trigger =
  /**
   * scheduled: the schedule's trigger for every fleet at once, which also looks for orphaned
   * instances; fleetTick: one fleet's step of a tick the dispatcher spread (no event record: the
   * dispatcher's record covers the tick, and a step is idempotent by its status version and journal).
   */
  | {
      readonly id: string;
      readonly description: string;
      readonly fleets: readonly FleetConfig[];
      readonly scheduled?: true;
      readonly fleetTick?: true;
    }
  /** About instances: the handler finds their fleets by tag; the signal, if any, goes to the core. */
  | {
      readonly id: string;
      readonly description: string;
      readonly instances: ReadonlyArray<{ readonly instanceId: string; readonly signal?: InstanceSignal }>;
    }
  /** Valid but needs no step (an instance starting, an alarm going back to OK). */
  | { readonly id: string; readonly ignored: string };

function fleetForAlarm(config: FleetwardConfig, alarmName: string): FleetConfig | undefined {
  return (
    config.fleets.find((fleet) => fleet.scaling.scaleOutAlarms.includes(alarmName)) ??
    config.fleets.find((fleet) => alarmName.startsWith(`${ALARM_NAME_PREFIX}${fleet.name}-`))
  );
}

function alarmTrigger(value: z.infer<typeof alarmEvent>, config: FleetwardConfig): Trigger {
  const { alarmName, state } = value.detail;
  const fleet = fleetForAlarm(config, alarmName);
  const metric = value.detail.configuration?.metrics
    ?.map((m) => m.metricStat?.metric)
    .find((m) => m?.name.startsWith('StatusCheckFailed') === true && m.dimensions?.InstanceId !== undefined);
  const instance = metric?.dimensions?.InstanceId;
  if (state.value !== 'ALARM') {
    if (fleet === undefined && instance === undefined) throw new InvalidEventError(`alarm ${alarmName} does not belong to any fleet`);
    return { id: `alarm:${value.id}`, ignored: `alarm ${alarmName} changed to ${state.value}, not ALARM` };
  }
  if (instance !== undefined) {
    // The core believes it by itself only when the instance's own fleet owns the alarm; otherwise only once EC2 confirms.
    const owner = fleet === undefined ? {} : { alarmOwner: fleet.name };
    return {
      id: `alarm:${value.id}`,
      description: `status check alarm ${alarmName}`,
      instances: [{ instanceId: instance, signal: { instanceId: instance, kind: 'status-alarm', detail: alarmName, ...owner } }],
    };
  }
  if (fleet !== undefined) return { id: `alarm:${value.id}`, description: `alarm ${alarmName}`, fleets: [fleet] };
  throw new InvalidEventError(`alarm ${alarmName} does not belong to any fleet`);
}

function scheduleTrigger(value: z.infer<typeof scheduleEvent>, config: FleetwardConfig): Trigger {
  const description = `schedule at ${value.scheduledTime}`;
  if (value.fleet === undefined) return { id: `schedule:${value.executionId}`, description, fleets: config.fleets, scheduled: true };
  const fleet = config.fleets.find((f) => f.name === value.fleet);
  if (fleet === undefined) throw new InvalidEventError(`fleet: ${value.fleet} is not a fleet of this deployment's config`);
  return { id: `schedule:${value.executionId}:${fleet.name}`, description, fleets: [fleet], fleetTick: true };
}

/** The schedule's tick as the dispatcher takes it; throws InvalidEventError for anything else (a fleet's tick included). */
export function parseScheduleTick(event: unknown): { readonly id: string; readonly executionId: string; readonly scheduledTime: string } {
  const parsed = scheduleEvent.safeParse(event);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`);
    throw new InvalidEventError(`not the schedule's tick: ${problems.join('; ')}`);
  }
  const { executionId, scheduledTime, fleet } = parsed.data;
  if (fleet !== undefined) throw new InvalidEventError(`not the schedule's tick: fleet: the dispatcher takes the tick for every fleet, got one for ${fleet}`);
  return { id: `schedule:${executionId}`, executionId, scheduledTime };
}

/** Validates an incoming event; throws InvalidEventError saying what is wrong with it. */
export function parseTrigger(event: unknown, config: FleetwardConfig): Trigger {
  const parsed = triggerEvent.safeParse(event);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`);
    throw new InvalidEventError(`not an event fleetward handles: ${problems.join('; ')}`);
  }
  const value = parsed.data;
  switch (value.source) {
    case 'fleetward.schedule':
      return scheduleTrigger(value, config);
    case 'aws.cloudwatch':
      return alarmTrigger(value, config);
    case 'aws.ec2': {
      const id = value.detail['instance-id'];
      const key = `ec2:${value.id}`;
      if (value['detail-type'] === 'EC2 Instance State-change Notification') {
        const state = value.detail.state ?? 'unknown';
        if (!LEAVING_STATES.has(state)) return { id: key, ignored: `${id} is ${state}` };
        return { id: key, description: `${id} is ${state}`, instances: [{ instanceId: id }] };
      }
      const kind = value['detail-type'] === 'EC2 Spot Instance Interruption Warning' ? 'spot-interruption' : 'rebalance-recommendation';
      const detail = kind === 'spot-interruption' ? `instance action ${value.detail['instance-action'] ?? 'terminate'}` : 'capacity at risk';
      return { id: key, description: value['detail-type'], instances: [{ instanceId: id, signal: { instanceId: id, kind, detail } }] };
    }
    case 'aws.health': {
      const { service, eventTypeCode, startTime, affectedEntities } = value.detail;
      const ids = affectedEntities.map((e) => e.entityValue).filter((e) => instanceId.safeParse(e).success);
      if (service !== 'EC2' || ids.length === 0) return { id: `health:${value.id}`, ignored: `${service} ${eventTypeCode} affects no instance` };
      const detail = `${eventTypeCode}${startTime === undefined ? '' : ` starting ${startTime}`}`;
      return {
        id: `health:${value.id}`,
        description: `AWS Health ${eventTypeCode}`,
        instances: ids.map((id) => ({ instanceId: id, signal: { instanceId: id, kind: 'scheduled-event' as const, detail } })),
      };
    }
  }
}
