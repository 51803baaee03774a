// The ownership half of the scale function's IAM policy, read from the synthesized template: every
// mutating EC2 action is scoped by resource type and by tag, stopping and terminating need this
// deployment's owner tag, and the tag guard denies other roles the fleetward:* tags.
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../functions/core/config.ts';
import { asList, exampleConfig, policyStatements, synthesize, tableOwner, type Statement } from './synth.ts';

const { template } = synthesize();
const statements = policyStatements(template);
const owner = tableOwner(template);

/** EC2 actions that change something: everything but Describe*. */
const mutatingEc2 = (statement: Statement) => asList(statement.Action).filter((a) => a.startsWith('ec2:') && !a.startsWith('ec2:Describe'));
/** What RunInstances and CreateVolume only read (launch templates, images, subnets, snapshots…): no tag to condition on. */
const ONLY_READ = /:(subnet|security-group|image|launch-template|key-pair|placement-group|snapshot)\//;
const TAG_KEYS = /^(aws:RequestTag|ec2:ResourceTag)\/fleetward:|^ec2:CreateAction$/;

/** Why each statement granting a mutating EC2 action is not scoped by resource and tag. */
function unscoped(list: Statement[]): string[] {
  return list.flatMap((statement) => {
    const actions = mutatingEc2(statement);
    if (actions.length === 0 || statement.Effect !== 'Allow') return [];
    const resources = asList(statement.Resource).map((r) => JSON.stringify(r));
    if (resources.some((r) => r === '"*"')) return [`${statement.Sid}: on every resource`];
    if (resources.every((r) => ONLY_READ.test(r))) return [];
    const keys = Object.values(statement.Condition ?? {}).flatMap((operator) => Object.keys(operator));
    return keys.some((key) => TAG_KEYS.test(key)) ? [] : [`${statement.Sid}: no tag condition`];
  });
}

/** Statements that let the function stop or terminate an instance without this deployment's owner tag (or, opted in, no owner tag at all). */
function withoutOwner(list: Statement[], expected: unknown): string[] {
  return list
    .filter((s) => s.Effect === 'Allow' && asList(s.Action).some((a) => a === 'ec2:TerminateInstances' || a === 'ec2:StopInstances'))
    .filter((s) => {
      const owned = JSON.stringify(s.Condition?.StringEquals?.['ec2:ResourceTag/fleetward:owner']) === JSON.stringify(expected);
      const ownerless = s.Condition?.Null?.['ec2:ResourceTag/fleetward:owner'] === 'true';
      return !owned && !ownerless;
    })
    .map((s) => s.Sid ?? '(no sid)');
}

describe('the ownership conditions of the scale function', () => {
  it('scopes every mutating EC2 action by resource type and by a fleetward tag', () => {
    expect(statements.flatMap(mutatingEc2).length).toBeGreaterThan(10);
    expect(unscoped(statements)).toEqual([]);
  });

  it('stops and terminates only instances carrying the owner tag of this deployment', () => {
    expect(withoutOwner(statements, owner)).toEqual([]);
  });

  it('would notice a statement that lost either condition', () => {
    const stripped = statements.map((s) => (asList(s.Action).includes('ec2:TerminateInstances') ? { ...s, Condition: { StringEquals: { 'ec2:ResourceTag/fleetward:fleet': ['web'] } } } : s));
    expect(withoutOwner(stripped, owner)).toEqual(['LifecycleOnlyOfOwnFleetInstances']);
    const unconditioned = statements.map((s) => (asList(s.Action).includes('ec2:TerminateInstances') ? { ...s, Condition: {} } : s));
    expect(unscoped(unconditioned)).toEqual(['LifecycleOnlyOfOwnFleetInstances: no tag condition']);
  });

  it('uses an owner given as a prop, in the policy and the environment, and refuses one that is no tag value', () => {
    const given = synthesize({ owner: 'payments-prod' }).template;
    expect(withoutOwner(policyStatements(given), 'payments-prod')).toEqual([]);
    const [fn] = Object.values(given.findResources('AWS::Lambda::Function')) as { Properties: { Environment: { Variables: Record<string, unknown> } } }[];
    expect(fn?.Properties.Environment.Variables.FLEETWARD_OWNER).toBe('payments-prod');
    expect(() => synthesize({ owner: 'bad\u0000owner' })).toThrow('owner: must be 1-256 characters of letters, digits, spaces and _ . : / = + - @ (an EC2 tag value), got "bad\\u0000owner"');
  });

  it('with adoption.foreign manage, also lets it act on that fleet\'s instances that carry no owner tag, and never on another owner\'s', () => {
    const [web] = exampleConfig.fleets;
    const config = validateConfig({ ...exampleConfig, fleets: [{ ...web, adoption: { foreign: 'manage' } }] });
    const managing = policyStatements(synthesize({ config }).template);
    const adopted = managing.filter((s) => s.Sid?.endsWith('AdoptedForeign'));
    expect(adopted.map((s) => s.Sid)).toEqual([
      'LifecycleOnlyOfOwnFleetInstancesAdoptedForeign',
      'MoveIdentityOnlyToOwnFleetInstancesAdoptedForeign',
      'QuarantineAndMaintenanceTagsOnlyOnOwnFleetInstancesAdoptedForeign',
      'RemoveOnlyFleetAndMaintenanceTagsOfOwnFleetInstancesAdoptedForeign',
    ]);
    expect(adopted[0]?.Condition).toEqual({ StringEquals: { 'ec2:ResourceTag/fleetward:fleet': ['web'] }, Null: { 'ec2:ResourceTag/fleetward:owner': 'true' } });
    expect(withoutOwner(managing, tableOwner(synthesize({ config }).template))).toEqual([]);
    expect(statements.some((s) => s.Sid?.endsWith('AdoptedForeign'))).toBe(false);
  });
});

describe('the tag guard', () => {
  const role = 'arn:aws:iam::123456789012:role/web-instance';

  it('is absent unless roles are given', () => {
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
  });

  it('denies the given roles setting or removing any fleetward:* tag, and deleting all tags at once', () => {
    const guarded = synthesize({ tagGuardRoleArns: [role] }).template;
    guarded.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: ['web-instance'],
      PolicyDocument: {
        Statement: [
          {
            Sid: 'NoFleetwardTags',
            Effect: 'Deny',
            Action: ['ec2:CreateTags', 'ec2:DeleteTags'],
            Resource: '*',
            Condition: { 'ForAnyValue:StringLike': { 'aws:TagKeys': ['fleetward:*'] } },
          },
          { Sid: 'NoDeletingAllTags', Effect: 'Deny', Action: 'ec2:DeleteTags', Resource: '*', Condition: { Null: { 'aws:TagKeys': 'true' } } },
        ],
        Version: '2012-10-17',
      },
    });
  });

  it('refuses a role ARN with a wildcard', () => {
    expect(() => synthesize({ tagGuardRoleArns: ['arn:aws:iam::123456789012:role/*'] })).toThrow(
      'tagGuardRoleArns[0]: must be the ARN of one IAM role (no wildcards), got arn:aws:iam::123456789012:role/*',
    );
  });
});
