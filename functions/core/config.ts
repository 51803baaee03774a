/**
 * The fleetward configuration: its schema, and the validation that turns a parsed document into a
 * config or into every error at once, each naming the field's path and the reason (the text
 * parser is config-text.ts).
 */
import * as z from 'zod';
import { FleetwardError } from './errors.ts';
import { INSTANCE_TYPES_DATE, isKnownInstanceType, nearestInstanceType } from './instance-types.ts';
import { DISRUPTION_REASONS } from './step/disruption/methods.ts';
import { mixConfigSchema } from './mix/config.ts';
import { rightsizingSchema } from './rightsizing/config.ts';
import { budgetCalendarFields, checkCalendar, idleSchema, lifetimeSchema, maintenanceWindowsSchema, schedulesSchema } from './calendar/config.ts';
import { optimizationConfigSchema } from './optimization-config.ts';

/** Placeholder in a dimension value: query the metric once per instance and average. */
export const INSTANCE_ID_PLACEHOLDER = '{instanceId}';

const INSTANCE_TYPE = /^[a-z0-9-]+\.[a-z0-9-]+$/;
const FLEET_NAME = /^[a-z][a-z0-9-]{0,38}[a-z0-9]$/;
const STATISTIC = /^(Average|Sum|Minimum|Maximum|SampleCount|p\d{1,2}(\.\d+)?)$/;

const nonNegativeSeconds = z.number().int().min(0).max(86_400);

/** A name or value that AWS will take: at least one character, and no control character such as NUL. */
const hasControlCharacter = (value: string) => [...value].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
const NO_CONTROL = 'must not contain control characters such as NUL';
const text = () => z.string().min(1).refine((value) => !hasControlCharacter(value), NO_CONTROL);

/**
 * EC2 allows 50 tags on a resource; fleetward sets up to four of its own (fleetward:fleet,
 * fleetward:command-id, fleetward:owner, and fleetward:maintenance while in maintenance).
 */
const MAX_FLEET_TAGS = 46;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** Cross-field checks run even when some fields are invalid, so all problems show at once. */
const ALWAYS = { when: () => true };

const directionSchema = (defaults: { stabilizationSeconds: number; cooldownSeconds: number }) =>
  z
    .strictObject({
      /** Recommendations over this window are combined (max for scale-in, min for scale-out). */
      stabilizationSeconds: nonNegativeSeconds.default(defaults.stabilizationSeconds),
      /** Capacity units added or removed in one step at most; unlimited when absent. */
      maxStep: z.number().int().min(1).optional(),
      /** Seconds after the last scaling activity before this direction may act again. */
      cooldownSeconds: nonNegativeSeconds.default(defaults.cooldownSeconds),
    })
    .prefault({});

const metricSchema = z.strictObject({
  namespace: text(),
  name: text(),
  dimensions: z.record(text(), text()).default({}),
  statistic: z
    .string()
    .regex(STATISTIC, 'must be Average, Sum, Minimum, Maximum, SampleCount or a percentile such as p90'),
  periodSeconds: z
    .number()
    .int()
    .min(60)
    .max(3600)
    .refine((s) => s % 60 === 0, 'must be a multiple of 60')
    .default(60),
});

/**
 * Predictive pre-scaling (functions/core/forecast/): forecasts the load from its own history,
 * with headroom learned from past forecast errors; reactive target tracking until it has enough
 * history. Absent: off.
 */
const predictiveSchema = z.strictObject({
  /**
   * The metric value one capacity unit serves at most (100 for CPU %), per unit for a
   * per-instance metric, per unit of capacity for a total. Default: the target.
   */
  unitCapacity: z.number().positive().optional(),
  /** Share of past forecast errors the headroom covers. */
  coverage: z.number().min(0.5).max(0.9999).default(0.993),
  /**
   * How far the coverage moves, each step, for each period of the last 14 days the fleet was
   * short beyond the share (1 - coverage) it allows (down for each one fewer); 0 keeps it fixed.
   * Only a per-instance metric with an explicit unitCapacity shows that the fleet was short.
   */
  coverageGain: z.number().min(0).max(0.002).default(0.0003),
  /** Days of the newest history the forecast errors are learned from. */
  backtestDays: z.number().min(0.25).max(7).default(3),
  /** Hours of history needed before forecasts are used. */
  minHistoryHours: z.number().min(1).max(336).default(4),
  /** Minutes a fitted forecast model is used before it is fitted again. */
  refitMinutes: z.number().int().min(1).max(1440).default(360),
});

/**
 * How often a steady fleet reads its scaling metric (functions/core/metric-cadence.ts): every
 * step while anything could move its capacity, every steadyEveryMinutes-th minute while nothing
 * could. GetMetricData bills every metric read. Absent: DEFAULT_METRIC_READS.
 */
const metricReadsSchema = z
  .strictObject({
    /** A steady fleet reads its metric every this many minutes and decides on its standing recommendation between; 1: every step. */
    steadyEveryMinutes: z.number().int().min(1).max(60).default(1),
    /** A fleet is steady only while its last reading stayed this many percent below the value that scales it out. */
    headroomPercent: z.number().min(0).max(100).default(0),
  })
  .optional();

const scalingSchema = z.strictObject({
  metric: metricSchema,
  /** per-instance: the metric is a per-instance average (CPU %); total: a fleet total (queue depth). */
  metricType: z.enum(['per-instance', 'total']),
  /** The value of the metric per capacity unit that the fleet aims for. */
  target: z.number().min(0.000001, 'must be at least 0.000001'),
  /** Seconds after launch during which an instance is warming: not counted, blocks scale-in. */
  warmupSeconds: nonNegativeSeconds.default(120),
  scaleOut: directionSchema({ stabilizationSeconds: 0, cooldownSeconds: 0 }),
  scaleIn: directionSchema({ stabilizationSeconds: 300, cooldownSeconds: 300 }),
  /** Names of CloudWatch alarms whose ALARM state triggers an immediate step for this fleet. */
  scaleOutAlarms: z.array(text()).default([]),
  predictive: predictiveSchema.optional(),
  metricReads: metricReadsSchema,
});

const TARGET_GROUP_ARN = /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:targetgroup\/[A-Za-z0-9-]+\/[0-9a-f]+$/;

const failoverSchema = z
  .strictObject({
    /** Replace failed instances; false leaves them to the operator. */
    enabled: z.boolean().default(true),
    /** Seconds after launch during which failed health observations are not held against it. */
    gracePeriodSeconds: nonNegativeSeconds.default(300),
    /** Consecutive failed observations (status checks or target health) before failing over. */
    unhealthyThreshold: z.number().int().min(1).max(100).default(2),
    /** terminate: the failed instance goes; quarantine: stop it, tag it, take it out of the fleet. */
    onFailure: z.enum(['terminate', 'quarantine']).default('terminate'),
    /** Allow restoring a data volume from its latest snapshot in another zone (data since is lost). */
    crossAzRestore: z.boolean().default(false),
    /** What an EC2 rebalance recommendation does: nothing (default) or a proactive replacement. */
    rebalanceRecommendation: z.enum(['ignore', 'replace']).default('ignore'),
    /** A zone is degraded when this share of the fleet's instances there, and at least minImpaired, fail. */
    degradedZone: z
      .strictObject({
        impairedShare: z.number().gt(0).max(1).default(0.5),
        minImpaired: z.number().int().min(1).default(2),
      })
      .prefault({}),
  })
  .prefault({});

/** A count of instances, or a percentage of the fleet such as 25%. */
const instancesAtOnce = (min: number) =>
  z.union([z.number().int().min(min), z.string().regex(/^([1-9]\d?|100)%$/, 'must be a count or a percentage such as 25%')]);

/**
 * Voluntary disruption (scale-in, evacuation, …: functions/core/step/disruption): budgets that
 * bound how many instances are out of service at once. Absent: scale-in is unbounded and
 * evacuation drains at most drain.maxDraining at once.
 */
const disruptionSchema = z.strictObject({
  budgets: z
    .array(
      z.strictObject({
        /** Instances out of service at once at most: a count (0 stops these reasons) or a percentage of the fleet. */
        max: instancesAtOnce(0),
        /** The reasons it holds back; every voluntary reason when absent. */
        reasons: z
          .array(z.string().refine((reason) => DISRUPTION_REASONS.includes(reason), `must be one of ${DISRUPTION_REASONS.join(', ')}`))
          .min(1)
          .optional(),
        /** At most max per window, and only inside a window (calendar/config.ts). */
        ...budgetCalendarFields,
      }),
    )
    .default([]),
});

const drainSchema = z
  .strictObject({
    /** Bound on waiting for target groups to drain connections (their deregistration delay + margin). */
    deregistrationTimeoutSeconds: nonNegativeSeconds.default(330),
    /** Wait for a continue signal from the user's own hook after the Instance Draining event. */
    waitForContinue: z.boolean().default(false),
    continueTimeoutSeconds: z.number().int().min(1).max(604_800).default(3600),
    /** When no continue signal comes in time: go on (default) or abandon the drain. */
    onContinueTimeout: z.enum(['continue', 'abandon']).default('continue'),
    /** The evacuation's disruption budget: instances draining at once, a count or a percentage. */
    maxDraining: instancesAtOnce(1).default(1),
    /** Stop an instance once it is in maintenance. */
    stopInMaintenance: z.boolean().default(false),
  })
  .prefault({});

/**
 * Instances that carry the fleet tag but that no fleetward deployment launched (no
 * fleetward:owner tag): a third party tagged them. Absent: ignore. Instances launched by another
 * deployment are never adopted, whatever this says.
 */
const adoptionSchema = z.strictObject({
  /**
   * ignore: reported, never adopted, counted or touched; keep: adopted and counted, but never
   * drained, scaled in, evacuated or failed over (as if protected); manage: adopted and managed
   * like fleetward's own, scale-in and failover included.
   */
  foreign: z.enum(['ignore', 'keep', 'manage']).default('ignore'),
});

/**
 * A warm pool (docs/configuration.md#warm-pool): instances launched, prepared and stopped ahead
 * of demand, that scale-out starts before it launches. Absent or size 0: no pool.
 */
const warmPoolSchema = z.strictObject({
  /** Stopped, prepared instances of the first listed type kept ready; they are not capacity. */
  size: z.number().int().min(0).max(1000),
  /** Seconds a pool instance runs after launch, its status checks passed, before it is stopped: its initialisation. */
  prepareSeconds: nonNegativeSeconds.default(120),
  /** A pool instance launched longer ago than this is terminated and replaced (a stale image); absent: kept. */
  maxPreparedAgeSeconds: z.number().int().min(3600).max(365 * 86_400).optional(),
});

const launchTemplateSchema = z
  .strictObject({
    id: z.string().regex(/^lt-[0-9a-f]+$/, 'must look like lt-0123456789abcdef0').optional(),
    name: text().min(3).max(128).optional(),
    version: z
      .union([z.literal('$Latest'), z.literal('$Default'), z.number().int().min(1)])
      .default('$Latest'),
  })
  .refine((lt) => (lt.id === undefined) !== (lt.name === undefined), {
    message: 'give exactly one of id or name',
  });

/** A listed type must be one EC2 has, as fleetward's dated list knows it; says which it was likely meant to be. */
function checkInstanceType(choice: { type?: unknown; unlisted?: unknown }, ctx: z.core.$RefinementCtx): void {
  if (!isObject(choice) || typeof choice.type !== 'string' || !INSTANCE_TYPE.test(choice.type) || choice.unlisted === true || isKnownInstanceType(choice.type)) return;
  const nearest = nearestInstanceType(choice.type);
  const meant = nearest === undefined ? '' : `: did you mean ${nearest}?`;
  ctx.addIssue({
    code: 'custom',
    path: ['type'],
    message: `is not an EC2 instance type fleetward knows${meant} (its list of ${INSTANCE_TYPES_DATE}; for a newer type, set unlisted: true)`,
  });
}

const imageOwner = z.string().regex(/^(\d{12}|amazon|aws-marketplace|self)$/, 'must be a 12-digit account id, amazon, aws-marketplace or self');

/** An SSM parameter name (a path such as /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64). */
const ssmParameterName = z.string().max(1011).regex(/^\/?[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, 'must be an SSM parameter name (letters, digits, _ . - and / between path parts)');

/** Where a roll finds its image: the newest named like a pattern from some owners, or the image an SSM parameter names. */
const rollSourceSchema = z
  .strictObject({
    /** DescribeImages wildcards * and ?; with owners. */
    namePattern: text().max(128).optional(),
    owners: z.array(imageOwner).min(1).optional(),
    /** An SSM parameter whose value is an image id (the public Amazon Linux ones, or an approval pipeline's). */
    ssmParameter: ssmParameterName.optional(),
  })
  .refine(
    (s) => (s.ssmParameter === undefined ? s.namePattern !== undefined && s.owners !== undefined : s.namePattern === undefined && s.owners === undefined),
    'must name either namePattern and owners, or ssmParameter alone',
  );

/** A roll onto the newest approved image: where it is found, checkpoints, bake, alarm, deadline. */
const rollSchema = z.strictObject({
  /** The newest image the policy approves, by name and owner or from an SSM parameter. */
  source: rollSourceSchema.optional(),
  /** Shares of the fleet (percent, increasing, ending at 100) on the new image at which the roll bakes. */
  checkpoints: z
    .array(z.number().int().min(1).max(100))
    .min(1)
    .refine((c) => c.every((p, i) => i === 0 || p > (c[i - 1] ?? 0)) && c.at(-1) === 100, 'must increase and end at 100')
    .default([10, 50, 100]),
  bakeSeconds: nonNegativeSeconds.default(600),
  /** A CloudWatch alarm that, in ALARM during a roll, rolls it back. */
  alarm: text().max(255).optional(),
  /** After this time (ISO 8601 in UTC, e.g. 2026-12-24T00:00:00Z), budgets and fleetward:protected no longer hold the roll back. */
  forceAfter: z.iso.datetime().optional(),
});

/** Image governance (docs/images.md): absent, images are not checked. */
const imagesSchema = z.strictObject({
  /** Image owners allowed: account ids, or the aliases amazon and aws-marketplace; any owner when absent. */
  allowedOwners: z
    .array(z.string().regex(/^(\d{12}|amazon|aws-marketplace)$/, 'must be a 12-digit account id, amazon or aws-marketplace'))
    .min(1)
    .optional(),
  /** Tags the image must carry, with these values. */
  requiredTags: z.record(text().max(128), z.string().max(256)).default({}),
  maxAgeDays: z.number().int().min(1).max(3650).optional(),
  refuseDeprecated: z.boolean().default(true),
  /** Honour the account's EC2 Allowed AMIs setting when it is enabled (audit mode: warn). */
  respectAllowedImages: z.boolean().default(true),
  signature: z
    .strictObject({
      tag: text().max(128).default('fleetward:approval-signature'),
      algorithm: z.enum(['ECDSA_SHA_256', 'ECDSA_SHA_384', 'ECDSA_SHA_512']).default('ECDSA_SHA_256'),
      /** The approval key's public half, PEM (for a KMS key: aws kms get-public-key, docs/images.md); or kmsKeyArn. */
      publicKey: z
        .string()
        .regex(/^-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----\s*$/, 'must be a PEM public key (-----BEGIN PUBLIC KEY-----)')
        .optional(),
      /** The approval key in KMS, verified with KMS Verify (at most once per image per step); or publicKey. */
      kmsKeyArn: z
        .string()
        .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/, 'must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>)')
        .optional(),
    })
    .refine((s) => (s.publicKey === undefined) !== (s.kmsKeyArn === undefined), 'must set exactly one of publicKey and kmsKeyArn')
    .optional(),
  /** SSM parameters a launch template may name as resolve:ssm:<name> (fleetward may read only these). */
  imageParameters: z.array(ssmParameterName).min(1).max(50).optional(),
  /** Rolls onto the newest approved image (docs/images.md#rolls); absent, no roll. */
  roll: rollSchema.optional(),
  /** Checks on the launch template version in use; absent, the template is not checked. */
  launchTemplateChecks: z
    .strictObject({
      /** enforce: refuse to launch; warn: launch, alert once and note it in the decision log. */
      mode: z.enum(['enforce', 'warn']).default('enforce'),
      requireImdsV2: z.boolean().default(true),
      requireEncryptedVolumes: z.boolean().default(true),
      allowPublicIp: z.boolean().default(false),
      scanUserData: z.boolean().default(true),
    })
    .optional(),
});

const fleetSchema = z
  .strictObject({
    name: z
      .string()
      .regex(FLEET_NAME, 'must be 2-40 characters of a-z, 0-9 and -, starting with a letter'),
    launchTemplate: launchTemplateSchema,
    subnets: z
      .array(z.string().regex(/^subnet-[0-9a-f]+$/, 'must look like subnet-0123456789abcdef0'))
      .min(1)
      .refine((s) => new Set(s).size === s.length, 'must not repeat a subnet'),
    instanceTypes: z
      .array(
        z.strictObject({
          type: z.string().regex(INSTANCE_TYPE, 'must be an instance type such as m7g.large'),
          weight: z.number().int().min(1).max(1000).default(1),
          /** A type newer than fleetward's list of instance types: taken as it is written. */
          unlisted: z.literal(true).optional(),
        }).superRefine(checkInstanceType, ALWAYS),
      )
      .min(1)
      .refine((t) => new Set(t.map((x) => x.type)).size === t.length, 'must not repeat an instance type'),
    capacity: z.strictObject({
      min: z.number().int().min(0),
      max: z.number().int().min(1).max(10_000),
      initial: z.number().int().min(0).optional(),
    }),
    scaling: scalingSchema,
    /** Target groups every instance of the fleet is registered in (by instance id). */
    targetGroups: z
      .array(z.string().regex(TARGET_GROUP_ARN, 'must be the ARN of an ELBv2 target group'))
      .default([])
      .refine((t) => new Set(t).size === t.length, 'must not repeat a target group'),
    failover: failoverSchema,
    drain: drainSchema,
    disruption: disruptionSchema.optional(),
    adoption: adoptionSchema.optional(),
    images: imagesSchema.optional(),
    /** The exact instance mix (docs/optimization.md); absent: the first listed type with capacity. */
    mix: mixConfigSchema.optional(),
    /** Rightsizing from per-instance utilisation: a singleton resized in place, a larger fleet replaced first (docs/optimization.md#rightsizing); absent: never. */
    rightsizing: rightsizingSchema.optional(),
    /** Scheduled capacity (docs/optimization.md#schedules-and-lifetimes). */
    schedules: schedulesSchema.optional(),
    /** Windows in which the disruption methods that ask for one may act. */
    maintenanceWindows: maintenanceWindowsSchema.optional(),
    /** Maximum instance lifetime (expiry); absent, instances live as long as they serve. */
    lifetime: lifetimeSchema.optional(),
    /** Consolidation, zone rebalance and the gates on their moves (docs/optimization.md); absent: they do not run. */
    optimization: optimizationConfigSchema.optional(),
    /** Scale to zero after this long without load (a time-to-live fleet); absent, capacity.min holds. */
    idle: idleSchema.optional(),
    /** Stopped, prepared instances that scale-out starts first; absent: none. */
    warmPool: warmPoolSchema.optional(),
    dryRun: z.boolean().default(false),
    tags: z
      .record(
        text()
          .max(128)
          .refine((k) => !k.startsWith('fleetward:'), 'the fleetward: prefix is reserved')
          .refine((k) => !k.toLowerCase().startsWith('aws:'), 'the aws: prefix is reserved by AWS'),
        z.string().max(256).refine((value) => !hasControlCharacter(value), NO_CONTROL),
      )
      .refine((tags) => Object.keys(tags).length <= MAX_FLEET_TAGS, `must have at most ${MAX_FLEET_TAGS}: EC2 allows 50 tags on a resource and fleetward adds up to 4`)
      .default({}),
  })
  .superRefine(
    (fleet, ctx) => {
      // Runs even when fields are invalid (see ALWAYS), so every value is checked before use.
      if (!isObject(fleet)) return;
      const capacity: Partial<Record<'min' | 'max' | 'initial', unknown>> = isObject(fleet.capacity) ? fleet.capacity : {};
      const { min, max, initial } = capacity;
      if (typeof min === 'number' && typeof max === 'number' && min > max) {
        ctx.addIssue({ code: 'custom', path: ['capacity', 'min'], message: `must be <= capacity.max (${min} > ${max})` });
      } else if (typeof min === 'number' && typeof max === 'number' && typeof initial === 'number' && (initial < min || initial > max)) {
        ctx.addIssue({
          code: 'custom',
          path: ['capacity', 'initial'],
          message: `must be between capacity.min and capacity.max (${min}..${max}), got ${initial}`,
        });
      }
      checkCalendar(fleet, ctx);
      const scaling: Partial<FleetConfig['scaling']> = isObject(fleet.scaling) ? fleet.scaling : {};
      const dimensions: unknown = isObject(scaling.metric) ? scaling.metric.dimensions : undefined;
      const usesPlaceholder = isObject(dimensions) && Object.values(dimensions).includes(INSTANCE_ID_PLACEHOLDER);
      if (usesPlaceholder && scaling.metricType === 'total') {
        ctx.addIssue({
          code: 'custom',
          path: ['scaling', 'metric', 'dimensions'],
          message: `${INSTANCE_ID_PLACEHOLDER} needs scaling.metricType per-instance`,
        });
      }
    },
    ALWAYS,
  );

export const configSchema = z
  .strictObject({
    fleets: z.array(fleetSchema).min(1),
    /** Days a decision stays in the decision log before DynamoDB expires it. */
    decisionLogDays: z.number().int().min(1).max(3650).default(30),
  })
  .superRefine((config, ctx) => {
    const fleets: unknown = isObject(config) ? config.fleets : undefined;
    const named = (Array.isArray(fleets) ? fleets : []).map((fleet: unknown) => (isObject(fleet) ? (fleet as Partial<FleetConfig>) : {}));
    const seen = new Map<string, number>();
    named.forEach((fleet, index) => {
      if (typeof fleet.name !== 'string') return;
      const first = seen.get(fleet.name);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['fleets', index, 'name'], message: `duplicates the name of fleets[${first}]` });
      } else {
        seen.set(fleet.name, index);
      }
    });
    const alarmOwner = new Map<string, string>();
    named.forEach((fleet, index) => {
      const alarms: unknown = isObject(fleet.scaling) ? fleet.scaling.scaleOutAlarms : undefined;
      if (!Array.isArray(alarms) || typeof fleet.name !== 'string') return;
      alarms.forEach((alarm: unknown, alarmIndex) => {
        if (typeof alarm !== 'string') return;
        const owner = alarmOwner.get(alarm);
        if (owner !== undefined && owner !== fleet.name) {
          ctx.addIssue({
            code: 'custom',
            path: ['fleets', index, 'scaling', 'scaleOutAlarms', alarmIndex],
            message: `alarm ${alarm} already triggers fleet ${owner}`,
          });
        }
        alarmOwner.set(alarm, fleet.name as string);
      });
    });
  }, ALWAYS);

export type FleetwardConfig = z.output<typeof configSchema>;
export type FleetConfig = FleetwardConfig['fleets'][number];
export type ScalingConfig = FleetConfig['scaling'];
export type MetricConfig = ScalingConfig['metric'];
export type PredictiveConfig = NonNullable<ScalingConfig['predictive']>;
export type FailoverConfig = FleetConfig['failover'];
export type DrainConfig = FleetConfig['drain'];
export type ForeignAdoption = NonNullable<FleetConfig['adoption']>['foreign'];
export type ImagePolicy = NonNullable<FleetConfig['images']>;
export type RollConfig = NonNullable<ImagePolicy['roll']>;

/** A config that failed validation; `problems` lists every `path: reason`. */
export class ConfigError extends FleetwardError {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
    /** What the message says is invalid: "<source> is" unless given. */
    subject = `${source} is`,
  ) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`${subject} invalid (${count}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** A key of name and tag characters is joined with a dot; any other (" ", "a.b", "") is quoted in brackets. */
function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, part) => {
    if (typeof part === 'number') return `${text}[${part}]`;
    if (!/^[\w:/@+=-]+$/.test(String(part))) return `${text}[${JSON.stringify(String(part))}]`;
    return text === '' ? String(part) : `${text}.${String(part)}`;
  }, '');
}

function describeIssue(issue: z.core.$ZodIssue): string[] {
  const path = formatPath(issue.path);
  const where = path === '' ? '(top level)' : path;
  if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => `${formatPath([...issue.path, key])}: unknown field`);
  if (issue.code === 'invalid_key') return issue.issues.map((inner) => `${where}: ${inner.message}`);
  if (issue.code === 'invalid_type' && issue.input === undefined) return [`${where}: is required`];
  return [`${where}: ${issue.message}`];
}

/** Validates an already-parsed object; throws ConfigError listing every problem. */
export function validateConfig(input: unknown, source = 'config'): FleetwardConfig {
  // reportInput: tells a missing field (input undefined) from a wrong type.
  const result = configSchema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  const problems = result.error.issues.flatMap(describeIssue);
  throw new ConfigError(source, problems);
}
