/**
 * The image gate against the emulator: an image without its approval is refused in each launch
 * path (scaling, a failover replacement, a drain's replacement) and the fleet keeps its
 * instances; a launch template without IMDSv2 is refused in enforce mode and launched, with an
 * alert recorded once, in warn mode. moto does not implement GetAllowedImagesSettings: the gate
 * reports the setting unreadable and goes on.
 */
import { randomUUID } from 'node:crypto';
import { CreateLaunchTemplateCommand, CreateTagsCommand, DescribeLaunchTemplateVersionsCommand } from '@aws-sdk/client-ec2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoAlertLog } from '../../functions/aws/state/alert-log.ts';
import { TableClient } from '../../functions/aws/state/table-client.ts';
import type { FleetConfig } from '../../functions/core/config.ts';
import { FleetHarness } from './harness.ts';

type Images = FleetConfig['images'];

/** The approval tag is the test's own: images are shared by every test, and one test approves its image. */
const approval = (fleet: FleetHarness): Images => ({ requiredTags: { [fleet.unique('approved')]: 'true' }, refuseDeprecated: true, respectAllowedImages: false });

async function imageOf(fleet: FleetHarness): Promise<string> {
  const versions = await fleet.ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: fleet.launchTemplateName, Versions: ['$Latest'] }));
  return versions.LaunchTemplateVersions?.[0]?.LaunchTemplateData?.ImageId ?? '';
}

/** A fleet of two instances launched before the policy, then the policy in force. */
async function runningFleet(policy: (fleet: FleetHarness) => Images, overrides: Parameters<typeof FleetHarness.create>[0] = {}) {
  const fleet = await FleetHarness.create(overrides, 2);
  const images = policy(fleet);
  await fleet.step(20);
  const before = (await fleet.instances()).map((i) => i.InstanceId ?? '').sort();
  expect(before).toHaveLength(2);
  fleet.configure({ ...overrides, images });
  return { fleet, before };
}

const running = async (fleet: FleetHarness) => (await fleet.instances()).map((i) => i.InstanceId ?? '').sort();
const lastActions = async (fleet: FleetHarness) => (await fleet.records().listDecisions(fleet.fleet.name, 1))[0]?.actions ?? [];

function alertLog(fleet: FleetHarness): DynamoAlertLog {
  const documents = DynamoDBDocumentClient.from(fleet.dynamodb, { marshallOptions: { removeUndefinedValues: true } });
  return new DynamoAlertLog(new TableClient({ client: documents, tableName: fleet.tableName }));
}

describe('the image gate, in each launch path', () => {
  it('refuses to scale out onto an unapproved image, keeps the fleet, and launches once the image is approved', async () => {
    const { fleet, before } = await runningFleet(approval);
    const imageId = await imageOf(fleet);

    const refused = await fleet.step(40);

    expect(refused.fleets[0]).toMatchObject({ launched: [], launchFailed: true });
    expect(await running(fleet)).toEqual(before);
    const refusal = `failed: the image policy refused the launch: image ${imageId} has no tag ${fleet.unique('approved')}=true (requiredTags) [required-tag]`;
    expect((await lastActions(fleet)).filter((a) => a.kind === 'launch').map((a) => a.outcome)).toEqual([refusal, refusal]);
    expect(await alertLog(fleet).firstTime(fleet.fleet.name, `required-tag#${imageId}`, fleet.clock.now())).toBe(false);

    await fleet.ec2.send(new CreateTagsCommand({ Resources: [imageId], Tags: [{ Key: fleet.unique('approved'), Value: 'true' }] }));
    fleet.clock.advance(3600);
    const approved = await fleet.step(40);
    expect(approved.fleets[0]?.launched).toHaveLength(2);
  });

  it('refuses the replacement of an instance Spot reclaims, and keeps the instance', async () => {
    const { fleet, before } = await runningFleet(approval);
    const [doomed] = before;
    const event = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'EC2 Spot Instance Interruption Warning',
      source: 'aws.ec2',
      account: '123456789012',
      time: '2026-11-24T12:00:00Z',
      region: 'us-east-1',
      resources: [`arn:aws:ec2:us-east-1:123456789012:instance/${doomed}`],
      detail: { 'instance-id': doomed, 'instance-action': 'terminate' },
    };

    const result = await fleet.invoke(event);

    expect(result.fleets[0]).toMatchObject({ launched: [], terminated: [] });
    expect(await running(fleet)).toEqual(before);
  });

  it("refuses a drain's replacement, and the drained instance stays in service", async () => {
    const { fleet, before } = await runningFleet(approval, { capacity: { min: 2, max: 4 } });
    const [drained] = before;
    await fleet.records().putRequest(fleet.fleet.name, { requestId: randomUUID(), kind: 'maintenance-enter', instanceId: drained, requestedAtMs: fleet.clock.now(), requestedBy: 'test' });

    const result = await fleet.step(20);

    expect(result.fleets[0]).toMatchObject({ launched: [], terminated: [], launchFailed: true });
    expect(await running(fleet)).toEqual(before);
    const records = await fleet.records().listInstances(fleet.fleet.name);
    expect(records.find((r) => r.instanceId === drained)?.lifecycle).not.toBe('maintenance');
  });
});

describe('the secure launch template checks', () => {
  async function withoutImdsV2(mode: 'enforce' | 'warn') {
    const fleet = await FleetHarness.create({}, 2);
    const imageId = await imageOf(fleet);
    fleet.launchTemplateName = `lt-${randomUUID().slice(0, 8)}`;
    const created = await fleet.ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: fleet.launchTemplateName,
        LaunchTemplateData: { ImageId: imageId, InstanceType: 't4g.micro', MetadataOptions: { HttpTokens: 'optional' } },
      }),
    );
    fleet.configure({ images: { requiredTags: {}, refuseDeprecated: true, respectAllowedImages: true, launchTemplateChecks: { mode, requireImdsV2: true, requireEncryptedVolumes: false, allowPublicIp: false, scanUserData: true } } });
    return { fleet, subject: `${created.LaunchTemplate?.LaunchTemplateId ?? ''} version 1` };
  }

  it('refuses to launch from a template without IMDSv2 in enforce mode', async () => {
    const { fleet, subject } = await withoutImdsV2('enforce');

    const result = await fleet.step(20);

    expect(result.fleets[0]).toMatchObject({ launched: [], launchFailed: true });
    expect(await fleet.instances()).toEqual([]);
    expect((await lastActions(fleet)).find((a) => a.kind === 'launch')?.outcome).toContain(
      `launch template ${subject} does not require IMDSv2 (MetadataOptions.HttpTokens is optional; must be required) [imdsv2]`,
    );
  });

  it('launches from a template without IMDSv2 in warn mode, alerts once and notes it in the decision log', async () => {
    const { fleet, subject } = await withoutImdsV2('warn');

    const result = await fleet.step(20);

    expect(result.fleets[0]?.launched).toHaveLength(2);
    const outcomes = (await lastActions(fleet)).filter((a) => a.kind === 'launch').map((a) => a.outcome);
    expect(outcomes.length).toBeGreaterThan(0);
    for (const outcome of outcomes) {
      expect(outcome).toContain(`launch template ${subject} does not require IMDSv2 (MetadataOptions.HttpTokens is optional; must be required) [imdsv2]`);
      expect(outcome).toContain("the account's Allowed AMIs setting could not be read");
    }
    expect(await alertLog(fleet).firstTime(fleet.fleet.name, `imdsv2#${subject}`, fleet.clock.now())).toBe(false);
  });
});
