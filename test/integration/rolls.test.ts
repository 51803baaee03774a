/**
 * Rolls against the emulator: a fleet of ten rolls onto a newer approved image found by name
 * (DescribeImages), through the checkpoints 10%, 50%, 100% with a bake at each, replace-first so
 * no fewer than ten instances run at any step; and an alarm set to ALARM mid-roll (moto never
 * evaluates alarms: SetAlarmState stands in) rolls the fleet back onto the previous image. Every
 * launch path of a rolling fleet goes through the gate with the roll's image: a failover
 * replacement launches it, and a roll replacement whose image lost its approval is refused.
 */
import { randomUUID } from 'node:crypto';
import { PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { CreateImageCommand, CreateTagsCommand, DeleteTagsCommand, DescribeImagesCommand, DescribeLaunchTemplateVersionsCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { run } from '../../bin/fleetward.ts';
import type { RollState } from '../../functions/core/model.ts';
import { FleetHarness } from './harness.ts';

interface Rolling {
  readonly fleet: FleetHarness;
  readonly oldImage: string;
  readonly newImage: string;
  readonly alarm: string;
}

/** Ten instances on the template's image, then a newer approved image by name, and the roll configured. */
async function rollingFleet(): Promise<Rolling> {
  const fleet = await FleetHarness.create({ capacity: { min: 0, max: 10 } }, 2);
  await fleet.step(100);
  const instances = await fleet.instances();
  expect(instances).toHaveLength(10);
  const versions = await fleet.ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: fleet.launchTemplateName, Versions: ['$Latest'] }));
  const oldImage = versions.LaunchTemplateVersions?.[0]?.LaunchTemplateData?.ImageId ?? '';
  const prefix = `roll-${randomUUID().slice(0, 8)}`;
  const created = await fleet.ec2.send(new CreateImageCommand({ InstanceId: instances[0]?.InstanceId, Name: `${prefix}-2026-12-01` }));
  const newImage = created.ImageId ?? '';
  // The emulator's account owns the new image: moto's is 123456789012, LocalStack's 000000000000.
  const owner = (await fleet.ec2.send(new DescribeImagesCommand({ ImageIds: [newImage] }))).Images?.[0]?.OwnerId ?? '';
  await fleet.ec2.send(new CreateTagsCommand({ Resources: [oldImage, newImage], Tags: [{ Key: 'approved', Value: 'true' }] }));
  const alarm = `${prefix}-errors`;
  await fleet.cloudwatch.send(
    new PutMetricAlarmCommand({ AlarmName: alarm, Namespace: 'Test/App', MetricName: 'Errors', Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanThreshold' }),
  );
  const roll = { source: { namePattern: `${prefix}-*`, owners: [owner] }, checkpoints: [10, 50, 100], bakeSeconds: 300, alarm };
  fleet.configure({ capacity: { min: 0, max: 10 }, images: { requiredTags: { approved: 'true' }, refuseDeprecated: true, respectAllowedImages: false, roll } });
  return { fleet, oldImage, newImage, alarm };
}

/** `fleetward status` of the fleet, as text and as JSON. */
async function status(fleet: FleetHarness): Promise<{ text: string; json: { fleets: Array<{ images?: unknown }> } }> {
  const runs = ['', '--json'].map(async (flag) => {
    let stdout = '';
    const argv = ['status', fleet.fleet.name, '--table', fleet.tableName, ...(flag === '' ? [] : [flag])];
    const code = await run(argv, { stdout: (text) => void (stdout += text), stderr: () => undefined }, { config: fleet.config, clock: fleet.clock, env: {} });
    expect(code).toBe(0);
    return stdout;
  });
  const [text, json] = await Promise.all(runs);
  return { text: text ?? '', json: JSON.parse(json ?? '{}') as { fleets: Array<{ images?: unknown }> } };
}

async function onImages({ fleet, oldImage, newImage }: Rolling): Promise<{ old: number; new: number; running: number }> {
  const running = await fleet.instances((i) => i.State?.Name === 'running');
  return { old: running.filter((i) => i.ImageId === oldImage).length, new: running.filter((i) => i.ImageId === newImage).length, running: running.length };
}

/** Steps until the roll reaches `phase` (at `checkpoint`), recording how many instances ran at each step. */
async function stepUntil(rolling: Rolling, phase: RollState['phase'], checkpoint: number, running: number[]): Promise<RollState> {
  for (let step = 0; step < 30; step += 1) {
    await rolling.fleet.step(100);
    running.push((await onImages(rolling)).running);
    const roll = (await rolling.fleet.records().getStatus(rolling.fleet.fleet.name))?.roll;
    if (roll?.phase === phase && roll.checkpoint === checkpoint) return roll;
  }
  throw new Error(`the roll did not reach ${phase} at checkpoint ${checkpoint}`);
}

describe('a roll onto the newest approved image', () => {
  it('goes through its checkpoints with a bake at each, and never runs fewer instances than desired', async () => {
    const rolling = await rollingFleet();
    const running: number[] = [];

    const baking = await stepUntil(rolling, 'baking', 0, running);
    expect(await onImages(rolling)).toEqual({ old: 9, new: 1, running: 10 });
    const shown = await status(rolling.fleet);
    const { newImage, oldImage } = rolling;
    expect(shown.text).toContain(`images: in use ${newImage} (1 instance), the newest approved, others ${oldImage} (9); roll baking, onto ${newImage} from ${oldImage}, checkpoint 1 of 3: ${baking.reason}`);
    expect(shown.json.fleets[0]?.images).toEqual({ inUse: newImage, newestApproved: newImage, instancesByImage: { [newImage]: 1, [oldImage]: 9 }, roll: baking });
    await rolling.fleet.step(100);
    expect((await rolling.fleet.records().getStatus(rolling.fleet.fleet.name))?.roll?.phase).toBe('baking');
    expect(await onImages(rolling)).toEqual({ old: 9, new: 1, running: 10 });

    rolling.fleet.clock.advance(300);
    await stepUntil(rolling, 'baking', 1, running);
    expect(await onImages(rolling)).toEqual({ old: 5, new: 5, running: 10 });

    rolling.fleet.clock.advance(300);
    const done = await stepUntil(rolling, 'done', 2, running);
    expect(await onImages(rolling)).toEqual({ old: 0, new: 10, running: 10 });
    expect(done.reason).toBe(`checkpoint 3 of 3 (100%: 10 of 10 instances), 10 on ${rolling.newImage}: the roll is done`);
    expect(Math.min(...running)).toBe(10);
  });

  it('rolls back onto the previous image when the alarm fires mid-roll, and the decision log says so', async () => {
    const rolling = await rollingFleet();
    const running: number[] = [];
    await stepUntil(rolling, 'baking', 0, running);
    rolling.fleet.clock.advance(300);
    await rolling.fleet.step(100);
    await rolling.fleet.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: rolling.alarm, StateValue: 'ALARM', StateReason: 'errors' }));

    const back = await stepUntil(rolling, 'rolling-back', 0, running);
    const reason = `alarm ${rolling.alarm} is in ALARM during the roll onto ${rolling.newImage} (rolling, checkpoint 2): rolling back to ${rolling.oldImage}`;
    expect(back).toMatchObject({ targetImageId: rolling.oldImage, refusedImageId: rolling.newImage, reason });
    const [logged] = await rolling.fleet.records().listDecisions(rolling.fleet.fleet.name, 1);
    expect(logged?.decision.notes).toContain(reason);

    await stepUntil(rolling, 'rolled-back', 0, running);
    expect(await onImages(rolling)).toEqual({ old: 10, new: 0, running: 10 });
    expect(Math.min(...running)).toBe(10);
    await rolling.fleet.step(100);
    expect((await rolling.fleet.records().getStatus(rolling.fleet.fleet.name))?.roll?.phase).toBe('rolled-back');
  });
});

/** The account the warning names: metadata only, the handler reads the instance id. */
const ACCOUNT = '123456789012';

function spotWarning(instanceId: string) {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'EC2 Spot Instance Interruption Warning',
    source: 'aws.ec2',
    account: ACCOUNT,
    time: '2026-11-24T12:00:00Z',
    region: 'us-east-1',
    resources: [`arn:aws:ec2:us-east-1:${ACCOUNT}:instance/${instanceId}`],
    detail: { 'instance-id': instanceId, 'instance-action': 'terminate' },
  };
}

describe('every launch of a rolling fleet passes the gate with the roll image', () => {
  it("launches a failover replacement from the roll's image, not the template's", async () => {
    const rolling = await rollingFleet();
    await stepUntil(rolling, 'baking', 0, []);
    const doomed = (await rolling.fleet.instances()).find((i) => i.ImageId === rolling.oldImage)?.InstanceId ?? '';

    const result = await rolling.fleet.invoke(spotWarning(doomed));

    const [replacement] = result.fleets[0]?.launched ?? [];
    const launched = await rolling.fleet.instances((i) => i.InstanceId === replacement);
    expect(launched.map((i) => i.ImageId)).toEqual([rolling.newImage]);
    expect(await onImages(rolling)).toEqual({ old: 8, new: 2, running: 10 });
  });

  it('refuses a roll replacement whose image lost its approval, and the fleet keeps its instances', async () => {
    const rolling = await rollingFleet();
    await stepUntil(rolling, 'baking', 0, []);
    await rolling.fleet.ec2.send(new DeleteTagsCommand({ Resources: [rolling.newImage], Tags: [{ Key: 'approved' }] }));
    const before = (await rolling.fleet.instances()).map((i) => i.InstanceId).sort();
    rolling.fleet.clock.advance(300);

    for (let step = 0; step < 3; step += 1) await rolling.fleet.step(100);

    expect((await rolling.fleet.instances()).map((i) => i.InstanceId).sort()).toEqual(before);
    const decisions = await rolling.fleet.records().listDecisions(rolling.fleet.fleet.name, 3);
    const refusal = `the image policy refused the launch: image ${rolling.newImage} has no tag approved=true (requiredTags) [required-tag]`;
    const launches = decisions.flatMap((d) => d.actions.filter((a) => a.kind === 'launch').map((a) => a.outcome));
    expect(launches.length).toBeGreaterThan(0);
    expect(new Set(launches)).toEqual(new Set([`failed: ${refusal}`]));
    expect(decisions[0]?.decision.notes).toContain(`launching is backing off for 60 s after 2 failed launch(es): ${refusal}`);
  });
});
