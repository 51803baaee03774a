/**
 * Creates what a fleet needs in a fresh emulator: the fleetward table, subnets in two zones
 * and a launch template. Used by the demo and the integration tests, never against real AWS.
 */
import { CreateTableCommand, type DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { CreateLaunchTemplateCommand, DescribeImagesCommand, DescribeSubnetsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { PARTITION_KEY, SORT_KEY } from '../functions/aws/table-keys.ts';
import { EmulatorError } from './emulator-process.ts';

export async function createFleetwardTable(dynamodb: DynamoDBClient, tableName: string): Promise<void> {
  await dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: PARTITION_KEY, AttributeType: 'S' },
        { AttributeName: SORT_KEY, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: PARTITION_KEY, KeyType: 'HASH' },
        { AttributeName: SORT_KEY, KeyType: 'RANGE' },
      ],
    }),
  );
  await waitUntilTableExists({ client: dynamodb, maxWaitTime: 30 }, { TableName: tableName });
}

export interface Network {
  readonly subnets: ReadonlyArray<{ readonly subnetId: string; readonly availabilityZone: string }>;
}

/** The default VPC's subnets in the first `zones` zones (moto makes one per zone). */
export async function defaultSubnets(ec2: EC2Client, zones = 3): Promise<Network> {
  const result = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] }));
  const subnets = (result.Subnets ?? [])
    .map((s) => ({ subnetId: s.SubnetId ?? '', availabilityZone: s.AvailabilityZone ?? '' }))
    .sort((a, b) => a.availabilityZone.localeCompare(b.availabilityZone))
    .slice(0, zones);
  if (subnets.length < zones) throw new EmulatorError(`expected ${zones} default subnets, found ${subnets.length}`);
  return { subnets };
}

/** Amazon Linux 2022 on arm64 (t4g is Graviton): moto 5.2 ships one such image, LocalStack two. */
const IMAGE_FILTERS = [
  { Name: 'architecture', Values: ['arm64'] },
  { Name: 'name', Values: ['al2022-ami-*'] },
];

/**
 * A launch template for t4g.micro with an Amazon Linux arm64 image. The filters also keep the
 * answer small: LocalStack takes 3-10 s to list its 1,173 Amazon images, 0.7-1 s for its 291
 * arm64 ones, and 10-30 ms for these two.
 */
export async function createLaunchTemplate(ec2: EC2Client, name: string): Promise<string> {
  const images = await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'], Filters: IMAGE_FILTERS }));
  const imageId = images.Images?.[0]?.ImageId;
  if (imageId === undefined) throw new EmulatorError('the emulator offers no Amazon Linux 2022 arm64 image to launch');
  const result = await ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: name,
      LaunchTemplateData: { ImageId: imageId, InstanceType: 't4g.micro', MetadataOptions: { HttpTokens: 'required' } },
    }),
  );
  return result.LaunchTemplate?.LaunchTemplateId ?? '';
}
