// The scale role's policies stay within IAM's size limits at 500 fleets and at the worst case of
// the listed conditions (100 fleets of 40-character names, 40 target groups), and switch to the
// owner tag beyond the limits, with a warning each.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../functions/core/config.ts';
import { FleetwardStack } from '../../lib/fleetward-stack.ts';
import { IDENTITY_FLEET_NAMES_LIMIT, TARGET_GROUP_ARNS_LIMIT } from '../../lib/fleet-conditions.ts';
import { exampleConfig, newApp } from './synth.ts';

/** IAM's default quotas: characters of inline policy a role (all together), of one managed policy, managed policies a role. */
const INLINE_CHARS_A_ROLE = 10_240;
const MANAGED_POLICY_CHARS = 6_144;
const MANAGED_POLICIES_A_ROLE = 10;

const hex = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

type Resource = { Type: string; Properties: { PolicyDocument?: unknown; Roles?: unknown[] } };
type Statement = { Sid?: string; Resource?: unknown; Condition?: Record<string, Record<string, unknown>> };

/** `count` fleets named by `nameOf`, the first `withTargetGroup` of them in a target group of their own. */
function synthesize(count: number, nameOf: (i: number) => string, withTargetGroup: number) {
  const [web] = exampleConfig.fleets;
  if (web === undefined) throw new Error('the example config has no fleet');
  const config = validateConfig({
    ...exampleConfig,
    fleets: Array.from({ length: count }, (_, i) => ({
      ...web,
      name: nameOf(i),
      targetGroups: i < withTargetGroup ? [`arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/${nameOf(i).slice(0, 32)}/${hex(`tg${i}`)}`] : [],
      scaling: { ...web.scaling, scaleOutAlarms: [`alarm-${i}-${hex(String(i))}`] },
    })),
  });
  const app = newApp();
  new FleetwardStack(app, 'Fleetward', { config });
  const artifact = app.synth().getStackByName('Fleetward');
  const resources = Object.values((artifact.template as { Resources: Record<string, Resource> }).Resources);
  return { resources, warnings: artifact.messages.filter((m) => m.level === 'warning').map((m) => String(m.entry.data)) };
}

/** Per role: its inline policies' characters together and its managed policies' characters, as IAM counts them (no whitespace). */
function policySizes(resources: Resource[]) {
  const size = (r: Resource) => JSON.stringify(r.Properties.PolicyDocument).replace(/\s/g, '').length;
  const byRole = new Map<string, { inline: number; managed: number[] }>();
  for (const resource of resources.filter((r) => r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy')) {
    for (const role of resource.Properties.Roles ?? []) {
      const sizes = byRole.get(JSON.stringify(role)) ?? { inline: 0, managed: [] };
      if (resource.Type === 'AWS::IAM::Policy') sizes.inline += size(resource);
      else sizes.managed.push(size(resource));
      byRole.set(JSON.stringify(role), sizes);
    }
  }
  return byRole;
}

const statementsOf = (resources: Resource[]): Statement[] =>
  resources.flatMap((r) => ((r.Properties.PolicyDocument as { Statement?: Statement[] } | undefined)?.Statement ?? []));

function expectWithinIamLimits(resources: Resource[], label: string): void {
  const sizes = policySizes(resources);
  console.log(`${label}: ${[...sizes.values()].map((s) => `inline ${s.inline} chars, managed [${s.managed.join(', ')}]`).join('; ')}`);
  expect(sizes.size).toBeGreaterThan(0);
  for (const [role, { inline, managed }] of sizes) {
    expect(inline, role).toBeLessThanOrEqual(INLINE_CHARS_A_ROLE);
    expect(managed.length, role).toBeLessThanOrEqual(MANAGED_POLICIES_A_ROLE);
    for (const chars of managed) expect(chars, role).toBeLessThanOrEqual(MANAGED_POLICY_CHARS);
  }
}

describe('the scale role at many fleets', () => {
  const five = synthesize(500, (i) => `fleet-${String(i).padStart(3, '0')}`, 500);
  const worst = synthesize(IDENTITY_FLEET_NAMES_LIMIT, (i) => `f${String(i).padStart(3, '0')}${'x'.repeat(36)}`, TARGET_GROUP_ARNS_LIMIT);

  it('stays within IAM policy sizes at 500 fleets in 500 target groups', () => {
    expectWithinIamLimits(five.resources, '500 fleets');
  });

  it('stays within them at the most the lists hold: 100 fleets of 40-character names, 40 target groups', () => {
    expect(worst.resources.length).toBeGreaterThan(0);
    expectWithinIamLimits(worst.resources, `${IDENTITY_FLEET_NAMES_LIMIT} fleets of 40 characters, ${TARGET_GROUP_ARNS_LIMIT} target groups`);
    const moves = statementsOf(worst.resources).find((s) => s.Sid === 'MoveVolumesOnlyOfFleet');
    expect(moves?.Condition?.StringEquals?.['ec2:ResourceTag/fleetward:fleet']).toHaveLength(IDENTITY_FLEET_NAMES_LIMIT);
    expect(worst.warnings.filter((w) => w.includes('fleetward:owner'))).toEqual([]);
  });

  it('names no fleet and no target group at 500 fleets: identity and target groups need the owner tag, and synthesis says so', () => {
    const statements = statementsOf(five.resources);
    expect(JSON.stringify(statements)).not.toContain('fleet-123');
    const owner = { Ref: expect.stringMatching(/^FleetwardTable/) };
    for (const sid of ['MoveElasticIpsOnlyOfFleet', 'MoveNetworkInterfacesOnlyOfFleet', 'MoveVolumesOnlyOfFleet']) {
      expect(statements.find((s) => s.Sid === sid)?.Condition, sid).toEqual({
        StringEquals: { 'ec2:ResourceTag/fleetward:owner': owner },
        StringLike: { 'ec2:ResourceTag/fleetward:fleet': '*' },
      });
    }
    expect(statements.find((s) => s.Sid === 'RestoreVolumesOnlyTaggedWithFleet')?.Condition).toEqual({
      StringEquals: { 'aws:RequestTag/fleetward:owner': owner },
      StringLike: { 'aws:RequestTag/fleetward:fleet': '*' },
    });
    const register = statements.find((s) => s.Sid === 'RegisterOnlyInFleetTargetGroups');
    expect(register?.Resource).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':elasticloadbalancing:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':targetgroup/*']] });
    expect(register?.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/fleetward:owner': owner } });
    expect(five.warnings.filter((w) => w.startsWith('500 fleets: failover moves only'))).toHaveLength(1);
    expect(five.warnings.filter((w) => w.startsWith('500 target groups: fleetward registers instances only'))).toHaveLength(1);
  });
});
