// A deployment of 500 fleets, each with target groups and scale-out alarms, synthesizes within
// CloudFormation's and Lambda's limits, and the functions' environment does not grow with the fleets.
import { createHash } from 'node:crypto';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { type FleetwardConfig, validateConfig } from '../../functions/core/config.ts';
import { FleetwardStack } from '../../lib/fleetward-stack.ts';
import { LAMBDA_ENVIRONMENT_LIMIT_BYTES } from '../../lib/fleetward.ts';
import { configInLayer, exampleConfig, newApp } from './synth.ts';

/** CloudFormation's limits: resources per stack, and a template's body uploaded through S3. */
const STACK_RESOURCE_LIMIT = 500;
const TEMPLATE_BODY_LIMIT_BYTES = 1_000_000;

const hex = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/** `count` fleets, each in its own target group and a shared one, with two scale-out alarms. */
function configOfFleets(count: number): FleetwardConfig {
  const [web] = exampleConfig.fleets;
  if (web === undefined) throw new Error('the example config has no fleet');
  return validateConfig({
    ...exampleConfig,
    fleets: Array.from({ length: count }, (_, i) => ({
      ...web,
      name: `fleet-${String(i).padStart(3, '0')}`,
      targetGroups: [
        `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/fleet-${i}/${hex(`tg${i}`)}`,
        'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shared/fedcba9876543210',
      ],
      scaling: { ...web.scaling, scaleOutAlarms: [`fleet-${i}-cpu-high-${hex(String(i))}`, `fleet-${i}-queue-deep-${hex(`q${i}`)}`] },
    })),
  });
}

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

function synthesizeFleets(count: number) {
  const config = configOfFleets(count);
  const app = newApp();
  const started = performance.now();
  new FleetwardStack(app, 'Fleetward', { config });
  const assembly = app.synth();
  const milliseconds = performance.now() - started;
  const artifact = assembly.getStackByName('Fleetward');
  const template = artifact.template as { Resources: Resources };
  return { app, config, template, milliseconds, warnings: artifact.messages.filter((m) => m.level === 'warning') };
}

describe('500 fleets', () => {
  const five = synthesizeFleets(500);
  const one = synthesizeFleets(1);
  const resources = Object.values(five.template.Resources);
  const byType = new Map<string, number>();
  for (const resource of resources) byType.set(resource.Type, (byType.get(resource.Type) ?? 0) + 1);
  const body = Buffer.byteLength(JSON.stringify(five.template), 'utf8');
  console.log(
    `500 fleets: synthesized in ${(five.milliseconds / 1000).toFixed(1)} s (1 fleet: ${(one.milliseconds / 1000).toFixed(1)} s), ` +
      `${resources.length} resources, template ${body} bytes; by type: ${[...byType].map(([t, n]) => `${t} ${n}`).join(', ')}`,
  );

  it('stays under 500 resources per stack, and the template under 1 MB', () => {
    expect(resources.length).toBeLessThanOrEqual(STACK_RESOURCE_LIMIT);
    expect(body).toBeLessThan(TEMPLATE_BODY_LIMIT_BYTES);
  });

  it('alarms on launch failures of every fleet in one alarm, shows every fleet in one dashboard row, and warns that it does', () => {
    const alarms = resources.filter((r) => r.Type === 'AWS::CloudWatch::Alarm').map((r) => r.Properties as { MetricName?: string; Dimensions?: unknown });
    expect(alarms.filter((alarm) => alarm.MetricName === 'LaunchFailures')).toEqual([
      expect.objectContaining({ Dimensions: [{ Name: 'service', Value: 'fleetward' }], EvaluationPeriods: 3 }),
    ]);
    const [dashboard] = resources.filter((r) => r.Type === 'AWS::CloudWatch::Dashboard');
    const dashboardBody = JSON.stringify(dashboard?.Properties?.DashboardBody);
    expect(dashboardBody).toContain('every fleet: launch failures');
    expect(dashboardBody).not.toContain('fleet-001: errors');
    const warnings = five.warnings.map((w) => String(w.entry.data));
    expect(warnings.filter((w) => w.startsWith('500 fleets: one '))).toHaveLength(2);
  });

  it('gives both functions the same environment as one fleet does', () => {
    const variables = (template: { Resources: Resources }) =>
      Object.values(template.Resources)
        .filter((r) => r.Type === 'AWS::Lambda::Function')
        .map((r) => JSON.stringify((r.Properties?.Environment as { Variables: unknown }).Variables));
    const sizes = variables(five.template).map((text) => Buffer.byteLength(text, 'utf8'));
    expect(variables(five.template)).toEqual(variables(one.template));
    for (const size of sizes) expect(size).toBeLessThan(LAMBDA_ENVIRONMENT_LIMIT_BYTES / 4);
  });

  it('ships all 500 fleets in the config layer', () => {
    const shipped = configInLayer({ app: five.app, template: Template.fromJSON(five.template) });
    expect(shipped.fleets).toHaveLength(500);
    expect(shipped).toEqual(five.config);
  });
});
