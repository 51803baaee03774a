/**
 * The approval signature verified with KMS Verify and images from SSM parameters, against moto:
 * moto's KMS signs and verifies with an ECC_NIST_P256 key (a signature that does not verify is
 * SignatureValid false there, KMSInvalidSignatureException on AWS; a key that does not exist is
 * NotFoundException), and moto's SSM serves the public Amazon Linux parameters with an image id
 * its DescribeImages knows.
 */
import { randomUUID } from 'node:crypto';
import { CreateLaunchTemplateCommand, CreateTagsCommand, DescribeImagesCommand, DescribeLaunchTemplateVersionsCommand } from '@aws-sdk/client-ec2';
import { CreateKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { signedText } from '../../functions/core/images/signature.ts';
import { FleetHarness } from './harness.ts';

const kms = new KMSClient({});
const ssm = new SSMClient({});
const PUBLIC_PARAMETER = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';

async function templateImage(fleet: FleetHarness): Promise<{ imageId: string; creationDate: string }> {
  const versions = await fleet.ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: fleet.launchTemplateName, Versions: ['$Latest'] }));
  const imageId = versions.LaunchTemplateVersions?.[0]?.LaunchTemplateData?.ImageId ?? '';
  const images = await fleet.ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }));
  return { imageId, creationDate: images.Images?.[0]?.CreationDate ?? '' };
}

const signingKey = async () => (await kms.send(new CreateKeyCommand({ KeyUsage: 'SIGN_VERIFY', KeySpec: 'ECC_NIST_P256' }))).KeyMetadata?.Arn ?? '';

/** A fleet of two, none launched yet, whose template image carries, in a tag of the test's own, a signature by `signer` over the approval text. */
async function signedFleet(signer: string, verifier: string) {
  const fleet = await FleetHarness.create({}, 2);
  const { imageId, creationDate } = await templateImage(fleet);
  const signed = await kms.send(new SignCommand({ KeyId: signer, Message: Buffer.from(signedText(imageId, creationDate)), MessageType: 'RAW', SigningAlgorithm: 'ECDSA_SHA_256' }));
  const tag = fleet.unique('approval');
  await fleet.ec2.send(new CreateTagsCommand({ Resources: [imageId], Tags: [{ Key: tag, Value: Buffer.from(signed.Signature ?? new Uint8Array()).toString('base64') }] }));
  fleet.configure({ images: { requiredTags: {}, refuseDeprecated: true, respectAllowedImages: false, signature: { tag, algorithm: 'ECDSA_SHA_256', kmsKeyArn: verifier } } });
  return { fleet, imageId, tag };
}

const launchOutcomes = async (fleet: FleetHarness) => ((await fleet.records().listDecisions(fleet.fleet.name, 1))[0]?.actions ?? []).filter((a) => a.kind === 'launch').map((a) => a.outcome);

describe('the approval signature verified with KMS', () => {
  it('launches an image signed with the configured key', async () => {
    const key = await signingKey();
    const { fleet } = await signedFleet(key, key);

    const result = await fleet.step(20);

    expect(result.fleets[0]?.launched).toHaveLength(2);
  });

  it('refuses an image signed with another key, naming the key, and launches nothing', async () => {
    const [signer, configured] = [await signingKey(), await signingKey()];
    const { fleet, imageId, tag } = await signedFleet(signer, configured);

    const result = await fleet.step(20);

    expect(result.fleets[0]).toMatchObject({ launched: [], launchFailed: true });
    expect(await fleet.instances()).toEqual([]);
    const refusal = `failed: the image policy refused the launch: image ${imageId}'s approval signature (tag ${tag}) does not verify with KMS key ${configured} (ECDSA_SHA_256) [signature]`;
    expect(new Set(await launchOutcomes(fleet))).toEqual(new Set([refusal]));
  });

  it('refuses when KMS cannot verify (a key that does not exist): fail closed, with the error', async () => {
    const signer = await signingKey();
    const missing = `arn:aws:kms:us-east-1:123456789012:key/${randomUUID()}`;
    const { fleet, imageId, tag } = await signedFleet(signer, missing);

    const result = await fleet.step(20);

    expect(result.fleets[0]).toMatchObject({ launched: [], launchFailed: true });
    const [outcome] = await launchOutcomes(fleet);
    expect(outcome).toContain(`image ${imageId}'s approval signature (tag ${tag}) could not be verified with KMS key ${missing} (KMS Verify failed: NotFoundException:`);
    expect(outcome).toContain('refused until it verifies [signature]');
  });
});

describe('images from SSM parameters', () => {
  it('rolls onto the image of the public Amazon Linux parameter, launching it', async () => {
    const fleet = await FleetHarness.create({ capacity: { min: 0, max: 2 } }, 2);
    await fleet.step(20);
    const wanted = (await ssm.send(new GetParameterCommand({ Name: PUBLIC_PARAMETER }))).Parameter?.Value ?? '';
    expect(wanted).toMatch(/^ami-/);
    fleet.configure({ capacity: { min: 0, max: 2 }, images: { requiredTags: {}, refuseDeprecated: true, respectAllowedImages: false, roll: { source: { ssmParameter: PUBLIC_PARAMETER }, checkpoints: [50, 100], bakeSeconds: 0 } } });

    for (let step = 0; step < 6; step += 1) await fleet.step(20);

    expect((await fleet.records().getStatus(fleet.fleet.name))?.roll).toMatchObject({ targetImageId: wanted, phase: 'done' });
    expect((await fleet.instances((i) => i.State?.Name === 'running')).map((i) => i.ImageId)).toEqual([wanted, wanted]);
  });

  async function resolvingTemplate(listed: boolean) {
    const fleet = await FleetHarness.create({}, 2);
    const { imageId } = await templateImage(fleet);
    const parameter = `/fleetward-test/${fleet.unique('image')}`;
    await ssm.send(new PutParameterCommand({ Name: parameter, Value: imageId, Type: 'String', DataType: 'aws:ec2:image' }));
    fleet.launchTemplateName = `lt-${randomUUID().slice(0, 8)}`;
    await fleet.ec2.send(
      new CreateLaunchTemplateCommand({ LaunchTemplateName: fleet.launchTemplateName, LaunchTemplateData: { ImageId: `resolve:ssm:${parameter}`, InstanceType: 't4g.micro', MetadataOptions: { HttpTokens: 'required' } } }),
    );
    fleet.configure({ images: { requiredTags: {}, refuseDeprecated: true, respectAllowedImages: false, ...(listed ? { imageParameters: [parameter] } : {}) } });
    return { fleet, imageId, parameter };
  }

  it('resolves a resolve:ssm: template image the config lists, and launches that image by id', async () => {
    const { fleet, imageId } = await resolvingTemplate(true);

    const result = await fleet.step(20);

    expect(result.fleets[0]?.launched).toHaveLength(2);
    expect((await fleet.instances()).map((i) => i.ImageId)).toEqual([imageId, imageId]);
  });

  it('refuses a resolve:ssm: template image whose parameter the config does not list', async () => {
    const { fleet, parameter } = await resolvingTemplate(false);

    const result = await fleet.step(20);

    expect(result.fleets[0]).toMatchObject({ launched: [], launchFailed: true });
    const [outcome] = await launchOutcomes(fleet);
    expect(outcome).toContain(`names image resolve:ssm:${parameter}, a parameter images.imageParameters does not list (fleetward reads only the parameters its config names) [image-unknown]`);
  });
});
