/**
 * The RollSourcePort on AWS: a roll's candidate images from DescribeImages (owners and a name
 * filter, newest first) and its alarm's state from CloudWatch DescribeAlarms.
 */
import { type CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeImagesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { ImageFacts } from '../core/images/facts.ts';
import type { RollSourcePort } from '../ports/images.ts';
import { imageFacts } from './ec2-launch-facts.ts';

/** Candidates judged per step at most: the newest ones (an approval pipeline tags a recent image). */
export const ROLL_CANDIDATES = 20;

export class AwsRollSources implements RollSourcePort {
  constructor(
    private readonly ec2: EC2Client,
    private readonly cloudwatch: CloudWatchClient,
  ) {}

  async imagesNamed(namePattern: string, owners: readonly string[]): Promise<ImageFacts[]> {
    const result = await this.ec2.send(new DescribeImagesCommand({ Owners: [...owners], Filters: [{ Name: 'name', Values: [namePattern] }, { Name: 'state', Values: ['available'] }] }));
    return (result.Images ?? [])
      .map(imageFacts)
      .sort((a, b) => (b.createdAtMs ?? 0) - (a.createdAtMs ?? 0) || (a.imageId < b.imageId ? -1 : 1))
      .slice(0, ROLL_CANDIDATES);
  }

  async alarmFiring(alarmName: string): Promise<boolean> {
    const result = await this.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [alarmName], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }));
    return [...(result.MetricAlarms ?? []), ...(result.CompositeAlarms ?? [])].some((alarm) => alarm.StateValue === 'ALARM');
  }
}
