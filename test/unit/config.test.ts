// Tests of the config parser: the example file, defaults, and exact validation and YAML error messages.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, validateConfig } from '../../functions/core/config.ts';
import { parseConfig } from '../../functions/core/config-text.ts';
import { INSTANCE_TYPES_DATE } from '../../functions/core/instance-types.ts';

const EXAMPLE = readFileSync(new URL('../../fleetward.config.yaml', import.meta.url), 'utf8');

/** A minimal valid raw fleet: only the required fields. */
function rawFleet(name = 'web'): Record<string, unknown> {
  return {
    name,
    launchTemplate: { id: 'lt-0123456789abcdef0' },
    subnets: ['subnet-0a', 'subnet-0b'],
    instanceTypes: [{ type: 'm7g.large' }],
    capacity: { min: 1, max: 10 },
    scaling: {
      metric: { namespace: 'AWS/SQS', name: 'ApproximateNumberOfMessagesVisible', statistic: 'Sum' },
      metricType: 'total',
      target: 100,
    },
  };
}

type Raw = Record<string, unknown>;
const child = (raw: Raw, key: string): Raw => raw[key] as Raw;

/** The problems of a config that must fail, in order. */
function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError, but the config was accepted');
}

/** Problems in a stable order: the order zod reports them in is not part of the contract. */
const sorted = (problems: readonly string[]) => [...problems].sort();

const problemsOfFleets = (...fleets: Raw[]) => problemsOf(() => validateConfig({ fleets }));

describe('the example config', () => {
  it('parses, with every value as written', () => {
    const config = parseConfig(EXAMPLE, 'fleetward.config.yaml');
    expect(config.decisionLogDays).toBe(30);
    expect(config.fleets).toHaveLength(1);
    expect(config.fleets[0]).toEqual({
      name: 'web',
      launchTemplate: { name: 'web-server', version: '$Latest' },
      subnets: ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'],
      instanceTypes: [
        { type: 'm7g.large', weight: 1 },
        { type: 'm6g.large', weight: 1 },
      ],
      capacity: { min: 1, max: 10, initial: 2 },
      scaling: {
        metric: {
          namespace: 'CWAgent',
          name: 'cpu_usage_active',
          dimensions: { cpu: 'cpu-total', FleetwardFleet: 'web' },
          statistic: 'Average',
          periodSeconds: 60,
        },
        metricType: 'per-instance',
        target: 50,
        warmupSeconds: 120,
        scaleOut: { stabilizationSeconds: 0, maxStep: 4, cooldownSeconds: 0 },
        scaleIn: { stabilizationSeconds: 300, maxStep: 1, cooldownSeconds: 300 },
        scaleOutAlarms: ['web-cpu-high'],
      },
      targetGroups: [],
      drain: {
        deregistrationTimeoutSeconds: 330,
        waitForContinue: false,
        continueTimeoutSeconds: 3600,
        onContinueTimeout: 'continue',
        maxDraining: 1,
        stopInMaintenance: false,
      },
      failover: {
        enabled: true,
        gracePeriodSeconds: 300,
        unhealthyThreshold: 2,
        onFailure: 'terminate',
        crossAzRestore: false,
        rebalanceRecommendation: 'ignore',
        degradedZone: { impairedShare: 0.5, minImpaired: 2 },
      },
      dryRun: false,
      tags: { team: 'platform' },
    });
  });
});

describe('defaults', () => {
  it('fills every optional field', () => {
    const config = validateConfig({ fleets: [rawFleet()] });
    expect(config.decisionLogDays).toBe(30);
    const fleet = config.fleets[0];
    expect(fleet?.launchTemplate).toEqual({ id: 'lt-0123456789abcdef0', version: '$Latest' });
    expect(fleet?.instanceTypes).toEqual([{ type: 'm7g.large', weight: 1 }]);
    expect(fleet?.capacity).toEqual({ min: 1, max: 10 });
    expect(fleet?.dryRun).toBe(false);
    expect(fleet?.tags).toEqual({});
    expect(fleet?.scaling).toEqual({
      metric: { namespace: 'AWS/SQS', name: 'ApproximateNumberOfMessagesVisible', dimensions: {}, statistic: 'Sum', periodSeconds: 60 },
      metricType: 'total',
      target: 100,
      warmupSeconds: 120,
      scaleOut: { stabilizationSeconds: 0, cooldownSeconds: 0 },
      scaleIn: { stabilizationSeconds: 300, cooldownSeconds: 300 },
      scaleOutAlarms: [],
    });
  });

  it('fills the defaults of a direction that is only partly given', () => {
    const fleet = rawFleet();
    child(fleet, 'scaling').scaleIn = { maxStep: 2 };
    const config = validateConfig({ fleets: [fleet] });
    expect(config.fleets[0]?.scaling.scaleIn).toEqual({ stabilizationSeconds: 300, maxStep: 2, cooldownSeconds: 300 });
  });

  it('accepts $Default and a version number for the launch template', () => {
    const byDefault = rawFleet();
    byDefault.launchTemplate = { name: 'web-server', version: '$Default' };
    const byNumber = rawFleet('api');
    byNumber.launchTemplate = { name: 'api-server', version: 7 };
    const config = validateConfig({ fleets: [byDefault, byNumber] });
    expect(config.fleets.map((f) => f.launchTemplate.version)).toEqual(['$Default', 7]);
  });

  it('reads JSON as well as YAML', () => {
    const config = parseConfig(JSON.stringify({ fleets: [rawFleet()], decisionLogDays: 7 }), 'fleetward.json');
    expect(config.decisionLogDays).toBe(7);
    expect(config.fleets[0]?.name).toBe('web');
  });
});

describe('validation errors', () => {
  it('reports an unknown field with its path', () => {
    const fleet = rawFleet();
    fleet.minSize = 1;
    child(fleet, 'scaling').tagret = 5;
    expect(sorted(problemsOfFleets(fleet))).toEqual(['fleets[0].minSize: unknown field', 'fleets[0].scaling.tagret: unknown field']);
    expect(problemsOf(() => validateConfig({ fleets: [rawFleet()], region: 'us-east-1' }))).toEqual(['region: unknown field']);
  });

  it('quotes a field name that does not read as a name, so a blank or dotted key is visible', () => {
    const fleet = rawFleet();
    fleet[' '] = 1;
    fleet['capacity.min'] = 2;
    expect(sorted(problemsOfFleets(fleet))).toEqual(['fleets[0][" "]: unknown field', 'fleets[0]["capacity.min"]: unknown field']);
  });

  it('reports a missing required field as required', () => {
    const fleet = rawFleet();
    delete child(fleet, 'scaling').target;
    delete child(fleet, 'capacity').max;
    expect(problemsOfFleets(fleet)).toEqual(['fleets[0].capacity.max: is required', 'fleets[0].scaling.target: is required']);
    expect(problemsOf(() => validateConfig({}))).toEqual(['fleets: is required']);
  });

  it('does not call a field of the wrong type missing', () => {
    const fleet = rawFleet();
    child(fleet, 'capacity').min = 'two';
    const problems = problemsOfFleets(fleet);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^fleets\[0\]\.capacity\.min: /);
    expect(problems[0]).not.toBe('fleets[0].capacity.min: is required');
  });

  it.each([
    ['Web'],
    ['w'],
    ['9lives'],
    ['web-'],
    ['web_app'],
    ['a'.repeat(41)],
  ])('rejects the fleet name %j', (name) => {
    expect(problemsOfFleets(rawFleet(name))).toEqual([
      'fleets[0].name: must be 2-40 characters of a-z, 0-9 and -, starting with a letter',
    ]);
  });

  it('accepts fleet names of 2 and 40 characters', () => {
    expect(validateConfig({ fleets: [rawFleet('w2'), rawFleet(`w${'-'.repeat(38)}9`)] }).fleets).toHaveLength(2);
  });

  it('wants exactly one of id and name for the launch template', () => {
    const both = rawFleet();
    both.launchTemplate = { id: 'lt-0abc', name: 'web-server' };
    expect(problemsOfFleets(both)).toEqual(['fleets[0].launchTemplate: give exactly one of id or name']);
    const neither = rawFleet();
    neither.launchTemplate = { version: 3 };
    expect(problemsOfFleets(neither)).toEqual(['fleets[0].launchTemplate: give exactly one of id or name']);
  });

  it('reports duplicate fleet names at the later fleet', () => {
    expect(problemsOfFleets(rawFleet('web'), rawFleet('api'), rawFleet('web'))).toEqual([
      'fleets[2].name: duplicates the name of fleets[0]',
    ]);
  });

  it('wants min <= max', () => {
    const fleet = rawFleet();
    fleet.capacity = { min: 5, max: 4 };
    expect(problemsOfFleets(fleet)).toEqual(['fleets[0].capacity.min: must be <= capacity.max (5 > 4)']);
  });

  it.each([
    [0, 'fleets[0].capacity.initial: must be between capacity.min and capacity.max (1..10), got 0'],
    [11, 'fleets[0].capacity.initial: must be between capacity.min and capacity.max (1..10), got 11'],
  ])('wants initial within min..max (%i)', (initial, message) => {
    const fleet = rawFleet();
    fleet.capacity = { min: 1, max: 10, initial };
    expect(problemsOfFleets(fleet)).toEqual([message]);
  });

  it('wants a per-instance metric for the {instanceId} placeholder', () => {
    const fleet = rawFleet();
    child(child(fleet, 'scaling'), 'metric').dimensions = { InstanceId: '{instanceId}' };
    expect(problemsOfFleets(fleet)).toEqual(['fleets[0].scaling.metric.dimensions: {instanceId} needs scaling.metricType per-instance']);
  });

  it('rejects a repeated subnet and a repeated instance type', () => {
    const fleet = rawFleet();
    fleet.subnets = ['subnet-0a', 'subnet-0b', 'subnet-0a'];
    fleet.instanceTypes = [{ type: 'm7g.large' }, { type: 'm7g.large', weight: 2 }];
    expect(problemsOfFleets(fleet)).toEqual([
      'fleets[0].subnets: must not repeat a subnet',
      'fleets[0].instanceTypes: must not repeat an instance type',
    ]);
  });

  it('rejects the reserved fleetward: tag prefix with its reason', () => {
    const fleet = rawFleet();
    fleet.tags = { team: 'platform', 'fleetward:owner': 'me' };
    expect(problemsOfFleets(fleet)).toEqual(['fleets[0].tags.fleetward:owner: the fleetward: prefix is reserved']);
  });

  it('rejects an alarm that already triggers another fleet', () => {
    const web = rawFleet('web');
    child(web, 'scaling').scaleOutAlarms = ['queue-high', 'web-cpu-high'];
    const api = rawFleet('api');
    child(api, 'scaling').scaleOutAlarms = ['api-high', 'queue-high'];
    expect(problemsOfFleets(web, api)).toEqual(['fleets[1].scaling.scaleOutAlarms[1]: alarm queue-high already triggers fleet web']);
  });

  it('allows one fleet to list an alarm twice', () => {
    const web = rawFleet('web');
    child(web, 'scaling').scaleOutAlarms = ['web-cpu-high', 'web-cpu-high'];
    expect(validateConfig({ fleets: [web] }).fleets[0]?.scaling.scaleOutAlarms).toEqual(['web-cpu-high', 'web-cpu-high']);
  });

  it('explains the formats of ids, types, statistics and periods', () => {
    const fleet = rawFleet();
    fleet.launchTemplate = { id: 'template-1' };
    fleet.subnets = ['sn-1'];
    fleet.instanceTypes = [{ type: 'large' }];
    const metric = child(child(fleet, 'scaling'), 'metric');
    metric.statistic = 'Mean';
    metric.periodSeconds = 90;
    expect(problemsOfFleets(fleet)).toEqual([
      'fleets[0].launchTemplate.id: must look like lt-0123456789abcdef0',
      'fleets[0].subnets[0]: must look like subnet-0123456789abcdef0',
      'fleets[0].instanceTypes[0].type: must be an instance type such as m7g.large',
      'fleets[0].scaling.metric.statistic: must be Average, Sum, Minimum, Maximum, SampleCount or a percentile such as p90',
      'fleets[0].scaling.metric.periodSeconds: must be a multiple of 60',
    ]);
  });

  it('reports several problems at once, in one ConfigError with a readable message', () => {
    const web = rawFleet('web');
    web.extra = true;
    web.launchTemplate = { id: 'lt-0abc', name: 'web-server' };
    web.capacity = { min: 3, max: 10, initial: 2 };
    web.subnets = ['subnet-0a', 'subnet-0a'];
    child(web, 'scaling').scaleOutAlarms = ['shared'];
    const second = rawFleet('web');
    child(second, 'scaling').scaleOutAlarms = ['shared'];
    const bad = rawFleet('Bad');
    bad.tags = {};
    let error: unknown;
    try {
      validateConfig({ fleets: [web, second, bad] }, 'prod.yaml');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    const problems = [
      'fleets[0].extra: unknown field',
      'fleets[0].launchTemplate: give exactly one of id or name',
      'fleets[0].subnets: must not repeat a subnet',
      'fleets[0].capacity.initial: must be between capacity.min and capacity.max (3..10), got 2',
      'fleets[2].name: must be 2-40 characters of a-z, 0-9 and -, starting with a letter',
      'fleets[1].name: duplicates the name of fleets[0]',
    ];
    expect(configError.name).toBe('ConfigError');
    expect(configError.source).toBe('prod.yaml');
    expect(sorted(configError.problems)).toEqual(sorted(problems));
    expect(configError.message).toBe(`prod.yaml is invalid (6 problems):\n${configError.problems.map((p) => `  - ${p}`).join('\n')}`);
  });

  it('says "1 problem" for one', () => {
    expect(() => validateConfig({ fleets: [] }, 'one.yaml')).toThrow(/^one\.yaml is invalid \(1 problem\):\n {2}- fleets: /);
  });
});

describe('YAML syntax errors', () => {
  it('reports a duplicate key with its line and column', () => {
    expect(problemsOf(() => parseConfig('fleets:\n  - name: web\n    name: api\n'))).toEqual([
      'line 3, column 5: Map keys must be unique',
    ]);
  });

  it('reports an unclosed flow sequence with its line and column', () => {
    const problems = problemsOf(() => parseConfig('decisionLogDays: 30\nfleets: [\n  {name: web}\n'));
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) expect(problem).toMatch(/^line \d+, column \d+: \S/);
    expect(problems.join('\n')).not.toMatch(/ at line \d+, column \d+/);
  });

  it('reports bad indentation with its line and column, naming the source', () => {
    let error: unknown;
    try {
      parseConfig('a: 1\n b: 2\n', 'broken.yaml');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems[0]).toBe('line 1, column 4: Nested mappings are not allowed in compact mappings');
    expect((error as ConfigError).message).toMatch(/^broken\.yaml is invalid \(\d+ problems?\):\n {2}- line 1, column 4: /);
  });

  it('reports an alias that does not resolve with its line and column, as a config error', () => {
    expect(problemsOf(() => parseConfig('decisionLogDays: 30\nfleets: *fleets\n'))).toEqual([
      'line 2, column 9: Unresolved alias (the anchor must be set before the alias): fleets',
    ]);
  });

  it('refuses aliases that expand too far (an alias bomb), naming the first alias', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...['b', 'c', 'd'].map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abc'[i]}`).join(', ')}]`), 'fleets: [*d, *d, *d, *d, *d, *d, *d, *d, *d]'];
    expect(problemsOf(() => parseConfig(`${bomb.join('\n')}\n`))).toEqual(['line 2, column 8: aliases expand too far (at most 100 expansions): is it an alias bomb?']);
  });

  it('says an empty document is empty', () => {
    expect(problemsOf(() => parseConfig(''))).toEqual(['(top level): the document is empty; it needs a fleets list']);
    expect(problemsOf(() => validateConfig(null))).toEqual(['(top level): Invalid input: expected object, received null']);
  });

  it('tells a value of the wrong type from a missing one', () => {
    expect(problemsOf(() => validateConfig({ fleets: 3 }))).toEqual(['fleets: Invalid input: expected array, received number']);
  });

  it('runs the cross-field checks even when fields are invalid, so every problem shows at once', () => {
    const broken = { name: 'web', capacity: { min: 20, max: 10 } };
    expect(sorted(problemsOfFleets(broken, { name: 'web' }))).toEqual([
      'fleets[0].capacity.min: must be <= capacity.max (20 > 10)',
      'fleets[0].instanceTypes: is required',
      'fleets[0].launchTemplate: is required',
      'fleets[0].scaling: is required',
      'fleets[0].subnets: is required',
      'fleets[1].capacity: is required',
      'fleets[1].instanceTypes: is required',
      'fleets[1].launchTemplate: is required',
      'fleets[1].name: duplicates the name of fleets[0]',
      'fleets[1].scaling: is required',
      'fleets[1].subnets: is required',
    ]);
  });
});

describe('values AWS would refuse later, refused when the config is read', () => {
  const withFleet = (change: (fleet: Raw) => void) => {
    const fleet = rawFleet();
    change(fleet);
    return problemsOfFleets(fleet);
  };

  it.each([
    ['a tag key with the aws: prefix', (f: Raw): void => void (f.tags = { 'AWS:owner': 'x' }), ['fleets[0].tags.AWS:owner: the aws: prefix is reserved by AWS']],
    ['more than 46 tags', (f: Raw): void => void (f.tags = Object.fromEntries(Array.from({ length: 47 }, (_, i) => [`t${i}`, 'v']))), ['fleets[0].tags: must have at most 46: EC2 allows 50 tags on a resource and fleetward adds up to 4']],
    ['a NUL byte in a tag value', (f: Raw): void => void (f.tags = { team: 'a\u0000b' }), ['fleets[0].tags.team: must not contain control characters such as NUL']],
    ['a NUL byte in the launch template name', (f: Raw): void => void (f.launchTemplate = { name: 'web\u0000server' }), ['fleets[0].launchTemplate.name: must not contain control characters such as NUL']],
    ['a target of 1e-320', (f: Raw): void => void (child(f, 'scaling').target = 1e-320), ['fleets[0].scaling.target: must be at least 0.000001']],
    [
      'an instance type that does not exist',
      (f: Raw): void => void (f.instanceTypes = [{ type: 'm7g.huuge' }]),
      [`fleets[0].instanceTypes[0].type: is not an EC2 instance type fleetward knows: did you mean m7g.large? (its list of ${INSTANCE_TYPES_DATE}; for a newer type, set unlisted: true)`],
    ],
    [
      'an instance type far from any',
      (f: Raw): void => void (f.instanceTypes = [{ type: 'zz9.plural' }]),
      [`fleets[0].instanceTypes[0].type: is not an EC2 instance type fleetward knows (its list of ${INSTANCE_TYPES_DATE}; for a newer type, set unlisted: true)`],
    ],
  ] as const)('%s', (_case, change, problems) => {
    expect(withFleet(change)).toEqual(problems);
  });

  it('takes a type newer than the list when it is marked unlisted', () => {
    const fleet = { ...rawFleet(), instanceTypes: [{ type: 'm9z.large', unlisted: true }] };
    expect(validateConfig({ fleets: [fleet] }).fleets[0]?.instanceTypes).toEqual([{ type: 'm9z.large', weight: 1, unlisted: true }]);
  });
});
