// cdk-nag's AWS Solutions checks: no unacknowledged finding, and every acknowledgement is specific and explained.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { FleetwardStack } from '../../lib/fleetward-stack.ts';
import { exampleConfig, newApp, targetGroupConfig, twoFleetConfig } from './synth.ts';

/** The rule ids of the findings cdk-nag reports (unacknowledged ones only), by severity. */
function findings(scope: IConstruct): { errors: string[]; warnings: string[] } {
  const report = new AwsSolutionsChecks().validateScope(scope);
  const ids = (severity: string) =>
    report.violations
      .filter((violation) => violation.severity === severity)
      .flatMap((violation) => violation.violatingResources.map((r) => `${violation.ruleName} at ${r.constructPath}`));
  return { errors: ids('error'), warnings: ids('warning') };
}

/** Every acknowledgement recorded under a scope: rule id and reason. */
function acknowledgements(scope: IConstruct): { id: string; reason: string }[] {
  return scope.node
    .findAll()
    .flatMap((construct) => construct.node.metadata)
    .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
    .map(([id, reason]) => ({ id: id.replace(/^annotation::/i, ''), reason }));
}

describe('cdk-nag AwsSolutions', () => {
  it('finds no unacknowledged error or warning in the example stack', () => {
    const stack = new FleetwardStack(newApp(), 'Fleetward', { config: exampleConfig });
    expect(findings(stack)).toEqual({ errors: [], warnings: [] });
  });

  it('finds none with two fleets and instance roles to pass either', () => {
    const stack = new FleetwardStack(newApp(), 'Fleetward', {
      config: twoFleetConfig(),
      instanceRoleArns: ['arn:aws:iam::123456789012:role/web-instance'],
    });
    expect(findings(stack)).toEqual({ errors: [], warnings: [] });
  });

  it('finds none with target groups, which add ELBv2 permissions', () => {
    const stack = new FleetwardStack(newApp(), 'Fleetward', { config: targetGroupConfig() });
    expect(findings(stack)).toEqual({ errors: [], warnings: [] });
  });

  it('lets the app synthesize with the checks registered as the CDK app registers them', () => {
    const app = newApp();
    new FleetwardStack(app, 'Fleetward', { config: exampleConfig });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const assembly = app.synth();
    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as {
      pluginReports: { pluginName: string; violations: unknown[] }[];
    };
    const nag = report.pluginReports.filter((r) => r.pluginName === 'AwsSolutions');
    expect(nag.flatMap((r) => r.violations)).toEqual([]);
  });

  it('acknowledges only single findings, each with a real reason', () => {
    const stack = new FleetwardStack(newApp(), 'Fleetward', { config: exampleConfig });
    const acknowledged = acknowledgements(stack);
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const { id, reason } of acknowledged) {
      expect(id).toMatch(/^AwsSolutions-IAM5\[Resource::.+\]$/);
      expect(reason.length, id).toBeGreaterThanOrEqual(60);
    }
    expect(acknowledged.map((a) => a.id)).toContain('AwsSolutions-IAM5[Resource::*]');
    expect(new Set(acknowledged.map((a) => a.reason)).size).toBe(acknowledged.length);
  });

  it('still reports a wildcard it was not told about', () => {
    const stack = new FleetwardStack(newApp(), 'Fleetward', { config: exampleConfig });
    stack.fleetward.scaleFunction.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['ec2:DescribeVolumes'], resources: ['arn:aws:ec2:*:*:volume/*'] }),
    );
    expect(findings(stack).errors).toEqual([
      'AwsSolutions-IAM5[Resource::arn:aws:ec2:*:*:volume/*] at Fleetward/Fleetward/ScaleFunctionRole/DefaultPolicy/Resource',
    ]);
  });
});
