/**
 * The RollSourcePort on AWS: a roll's candidate images from DescribeImages (owners and a name
 * filter, newest first) or the image an SSM parameter names, and its alarm's state from
 * CloudWatch DescribeAlarms.
 */
import { type CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeImagesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { ImageFacts } from '../core/images/facts.ts';
import type { RollSourcePort } from '../ports/images.ts';
import { imageFacts } from './ec2-launch-facts.ts';
import type { SsmImageParameters } from './ssm-image-parameters.ts';

/** Candidates judged per step at most: the newest ones (an approval pipeline tags a recent image). */
export const ROLL_CANDIDATES = 20;

export class AwsRollSources implements RollSourcePort {
  constructor(
    private readonly ec2: EC2Client,
    private readonly cloudwatch: CloudWatchClient,
    private readonly parameters: SsmImageParameters,
  ) {}

  async imagesNamed(namePattern: string, owners: readonly string[]): Promise<ImageFacts[]> {
    const result = await this.ec2.send(new DescribeImagesCommand({ Owners: [...owners], Filters: [{ Name: 'name', Values: [namePattern] }, { Name: 'state', Values: ['available'] }] }));
    return (result.Images ?? [])
      .map(imageFacts)
      .sort((a, b) => (b.createdAtMs ?? 0) - (a.createdAtMs ?? 0) || (a.imageId < b.imageId ? -1 : 1))
      .slice(0, ROLL_CANDIDATES);
  }

  async parameterImage(name: string): Promise<ImageFacts[]> {
    const imageId = await this.parameters.imageIdOf(name);
    if (imageId === undefined) return [];
    try {
      const result = await this.ec2.send(new DescribeImagesCommand({ ImageIds: [imageId], IncludeDeprecated: true }));
      return (result.Images ?? []).map(imageFacts);
    } catch (error) {
      if (error instanceof Error && error.name.startsWith('InvalidAMIID')) return [];
      throw error;
    }
  }

  async alarmFiring(alarmName: string): Promise<boolean> {
    const result = await this.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [alarmName], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }));
    return [...(result.MetricAlarms ?? []), ...(result.CompositeAlarms ?? [])].some((alarm) => alarm.StateValue === 'ALARM');
  }
}
