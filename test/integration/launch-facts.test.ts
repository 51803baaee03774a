/**
 * The image gate's adapters against the emulator: the launch facts EC2 describes (the template
 * version in use, its volumes, public IP and decoded user data; the image with its tags; the
 * Allowed AMIs setting, which moto does not implement, reported unreadable), and the alert log's
 * conditional write, once for any number of concurrent runs.
 */
import { randomUUID } from 'node:crypto';
import { CreateLaunchTemplateCommand, CreateLaunchTemplateVersionCommand, CreateTagsCommand, DescribeImagesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { Ec2LaunchFacts } from '../../functions/aws/ec2-launch-facts.ts';
import { DynamoAlertLog } from '../../functions/aws/state/alert-log.ts';
import { TableClient } from '../../functions/aws/state/table-client.ts';
import { createFleetwardTable } from '../../dev/fixtures.ts';

const ec2 = new EC2Client({});
const USER_DATA = '#!/bin/bash\necho start\nexport AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n';

async function amazonImage(): Promise<string> {
  const images = await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }));
  return images.Images?.[0]?.ImageId ?? '';
}

describe('Ec2LaunchFacts', () => {
  it('describes the template version in use, the image it names and the account settings', async () => {
    const imageId = await amazonImage();
    await ec2.send(new CreateTagsCommand({ Resources: [imageId], Tags: [{ Key: 'approved', Value: 'true' }] }));
    const name = `lt-${randomUUID().slice(0, 8)}`;
    const created = await ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: name, LaunchTemplateData: { ImageId: imageId, MetadataOptions: { HttpTokens: 'required' } } }));
    const templateId = created.LaunchTemplate?.LaunchTemplateId ?? '';
    await ec2.send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateId: templateId,
        LaunchTemplateData: {
          ImageId: imageId,
          MetadataOptions: { HttpTokens: 'optional' },
          BlockDeviceMappings: [{ DeviceName: '/dev/sdf', Ebs: { VolumeSize: 8, Encrypted: false } }],
          NetworkInterfaces: [{ DeviceIndex: 0, AssociatePublicIpAddress: true }],
          UserData: Buffer.from(USER_DATA).toString('base64'),
        },
      }),
    );

    const facts = await new Ec2LaunchFacts(ec2).describeLaunch({ name, version: '$Latest' });

    expect(facts.template).toEqual({ templateId, version: 2, imageId, httpTokens: 'optional', volumes: [{ device: '/dev/sdf', encrypted: false }], publicIp: true, userData: USER_DATA });
    expect(facts.image).toMatchObject({ imageId, ownerAlias: 'amazon', tags: { approved: 'true' } });
    expect(facts.image?.createdAtMs).toBe(Date.parse(facts.image?.creationDate ?? ''));
    // moto raises NotImplementedError: an HTML error page the SDK cannot parse.
    expect(facts.allowedImages).toEqual({ state: 'unreadable', why: expect.stringMatching(/^GetAllowedImagesSettings failed: \w+/) });
    expect(facts.encryptionByDefault).toBe(false);

    const first = await new Ec2LaunchFacts(ec2).describeLaunch({ id: templateId, version: 1 });
    expect(first.template).toMatchObject({ version: 1, httpTokens: 'required', publicIp: false, volumes: [] });
    expect(first.template.userData).toBeUndefined();
  });

  it('reports an image EC2 does not describe as absent', async () => {
    const name = `lt-${randomUUID().slice(0, 8)}`;
    await ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: name, LaunchTemplateData: { ImageId: 'ami-0123456789abcdef0' } }));

    const facts = await new Ec2LaunchFacts(ec2).describeLaunch({ name, version: '$Default' });

    expect(facts.template.imageId).toBe('ami-0123456789abcdef0');
    expect(facts.image).toBeUndefined();
  });
});

describe('DynamoAlertLog', () => {
  it('tells exactly one of many concurrent runs that an alert is new, per fleet and key', async () => {
    const dynamodb = new DynamoDBClient({});
    const tableName = `fleetward-test-${randomUUID().slice(0, 8)}`;
    await createFleetwardTable(dynamodb, tableName);
    const alerts = new DynamoAlertLog(new TableClient({ client: DynamoDBDocumentClient.from(dynamodb), tableName }));

    const answers = await Promise.all(Array.from({ length: 5 }, () => alerts.firstTime('web', 'owner#ami-0abc', 1)));

    expect(answers.filter(Boolean)).toHaveLength(1);
    expect(await alerts.firstTime('web', 'owner#ami-0other', 2)).toBe(true);
    expect(await alerts.firstTime('batch', 'owner#ami-0abc', 3)).toBe(true);
  });
});
