// Failover infrastructure: what the scale function may do to move a failed instance's identity.
import { describe, expect, it } from 'vitest';
import { QUARANTINE_TAG } from '../../functions/aws/ec2-compute.ts';
import {
  arnText,
  asList,
  policyStatements,
  SHARED_TARGET_GROUP,
  synthesize,
  targetGroupConfig,
  twoFleetConfig,
  WEB_TARGET_GROUP,
  type Statement,
} from './synth.ts';

const { template } = synthesize();
const statements = policyStatements(template);
const withTargetGroups = policyStatements(synthesize({ config: targetGroupConfig() }).template);

const statementsWith = (action: string, list: Statement[] = statements) =>
  list.filter((statement) => asList(statement.Action).includes(action));
const resourcesOf = (statement: Statement | undefined) => asList(statement?.Resource ?? []).map(arnText).sort();
const ec2 = (resource: string) => `arn:\${AWS::Partition}:ec2:\${AWS::Region}:\${AWS::AccountId}:${resource}`;
const onWebResources = { StringEquals: { 'ec2:ResourceTag/fleetward:fleet': ['web'] } };

/** The one statement granting exactly these actions. */
function statementOf(actions: string[], list: Statement[] = statements): Statement | undefined {
  const found = list.filter((s) => [...asList(s.Action)].sort().join() === [...actions].sort().join());
  expect(found, actions.join()).toHaveLength(1);
  return found[0];
}

const actionsOnEverything = (list: Statement[]) =>
  list.filter((s) => resourcesOf(s).includes('*')).flatMap((s) => asList(s.Action));

describe('the failover permissions of the scale function', () => {
  it('reads Elastic IPs, interfaces, volumes and snapshots on "*", which is all IAM accepts for them', () => {
    expect(actionsOnEverything(statements)).toEqual(
      expect.arrayContaining(['ec2:DescribeAddresses', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeVolumes', 'ec2:DescribeSnapshots']),
    );
  });

  it('moves Elastic IPs only when the address, instance and interface carry a fleet tag', () => {
    const associate = statementOf(['ec2:AssociateAddress']);
    expect(resourcesOf(associate)).toEqual([ec2('elastic-ip/*'), ec2('instance/*'), ec2('network-interface/*')]);
    expect(associate?.Condition).toEqual(onWebResources);
  });

  it('attaches and detaches interfaces and volumes only of fleet-tagged instances', () => {
    const interfaces = statementOf(['ec2:AttachNetworkInterface', 'ec2:DetachNetworkInterface']);
    expect(resourcesOf(interfaces)).toEqual([ec2('instance/*'), ec2('network-interface/*')]);
    expect(interfaces?.Condition).toEqual(onWebResources);
    const volumes = statementOf(['ec2:AttachVolume', 'ec2:DetachVolume']);
    expect(resourcesOf(volumes)).toEqual([ec2('instance/*'), ec2('volume/*')]);
    expect(volumes?.Condition).toEqual(onWebResources);
  });

  it('restores a volume only with the fleet tag in the request, from a snapshot it only reads', () => {
    const create = statementsWith('ec2:CreateVolume');
    expect(create).toHaveLength(2);
    const [onVolumes, onSnapshots] = [create.find((s) => s.Condition !== undefined), create.find((s) => s.Condition === undefined)];
    expect(resourcesOf(onVolumes)).toEqual([ec2('volume/*')]);
    expect(onVolumes?.Condition).toEqual({ StringEquals: { 'aws:RequestTag/fleetward:fleet': ['web'] } });
    // Snapshot ARNs have no account.
    expect(resourcesOf(onSnapshots)).toEqual(['arn:${AWS::Partition}:ec2:${AWS::Region}::snapshot/*']);
    expect(asList(onSnapshots?.Action ?? [])).toEqual(['ec2:CreateVolume']);
  });

  it('quarantines by adding only the quarantine tag and deleting only the fleet tag, of fleet instances', () => {
    expect(QUARANTINE_TAG).toBe('fleetward:quarantined');
    const tagging = statementsWith('ec2:CreateTags').filter((s) => s.Condition?.StringEquals?.['ec2:CreateAction'] === undefined);
    expect(tagging).toHaveLength(1);
    expect(resourcesOf(tagging[0])).toEqual([ec2('instance/*')]);
    expect(tagging[0]?.Condition).toEqual({
      ...onWebResources,
      'ForAllValues:StringEquals': { 'aws:TagKeys': ['fleetward:quarantined'] },
      Null: { 'aws:TagKeys': 'false' },
    });
    const untagging = statementOf(['ec2:DeleteTags']);
    expect(resourcesOf(untagging)).toEqual([ec2('instance/*')]);
    // Without the Null check, a DeleteTags naming no key (which deletes every tag) would pass ForAllValues.
    expect(untagging?.Condition).toEqual({
      ...onWebResources,
      'ForAllValues:StringEquals': { 'aws:TagKeys': ['fleetward:fleet'] },
      Null: { 'aws:TagKeys': 'false' },
    });
  });

  it('publishes only events with source fleetward, only to the default event bus', () => {
    const publish = statementOf(['events:PutEvents']);
    expect(resourcesOf(publish)).toEqual(['arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default']);
    expect(publish?.Condition).toEqual({ StringEquals: { 'events:source': 'fleetward' } });
  });

  it('puts every fleet name in every failover condition', () => {
    const twoFleets = policyStatements(synthesize({ config: twoFleetConfig() }).template);
    const names = ['web', 'batch'];
    for (const action of ['ec2:AssociateAddress', 'ec2:AttachNetworkInterface', 'ec2:AttachVolume', 'ec2:DeleteTags']) {
      expect(statementsWith(action, twoFleets)[0]?.Condition?.StringEquals, action).toEqual({ 'ec2:ResourceTag/fleetward:fleet': names });
    }
    const restore = statementsWith('ec2:CreateVolume', twoFleets).find((s) => s.Condition !== undefined);
    expect(restore?.Condition).toEqual({ StringEquals: { 'aws:RequestTag/fleetward:fleet': names } });
  });
});

describe('target groups', () => {
  it('grant no ELBv2 action, and none of the EC2 reads RegisterTargets needs, when no fleet has one', () => {
    const actions = statements.flatMap((s) => asList(s.Action));
    expect(actions.filter((action) => action.startsWith('elasticloadbalancing:'))).toEqual([]);
    expect(actions).not.toContain('ec2:DescribeVpcs');
    expect(actions).not.toContain('ec2:DescribeInternetGateways');
  });

  it('are the only resources the function may register targets in or deregister them from', () => {
    const registering = statementOf(['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'], withTargetGroups);
    // The union of the fleets' groups, the shared one once.
    expect(resourcesOf(registering)).toEqual([SHARED_TARGET_GROUP, WEB_TARGET_GROUP].sort());
    expect(registering?.Condition).toBeUndefined();
    expect(withTargetGroups.flatMap((s) => asList(s.Action)).filter((a) => a.startsWith('elasticloadbalancing:')).sort()).toEqual([
      'elasticloadbalancing:DeregisterTargets',
      'elasticloadbalancing:DescribeTargetHealth',
      'elasticloadbalancing:RegisterTargets',
    ]);
  });

  it('add target health and the EC2 reads RegisterTargets needs on "*", which has only reads: they have no resource-level permissions', () => {
    const onEverything = actionsOnEverything(withTargetGroups);
    expect(onEverything).toEqual(
      expect.arrayContaining(['elasticloadbalancing:DescribeTargetHealth', 'ec2:DescribeVpcs', 'ec2:DescribeInternetGateways']),
    );
    expect(onEverything.filter((a) => !/^(ec2:Describe|elasticloadbalancing:Describe|cloudwatch:GetMetricData$)/.test(a))).toEqual([]);
  });
});
