/**
 * The LaunchFactsPort on EC2: the launch template version a launch uses, the image it names, the
 * account's Allowed AMIs setting and EBS encryption by default. A setting EC2 does not answer
 * (moto does not implement GetAllowedImagesSettings) is reported unreadable, not fatal. A
 * `resolve:ssm:` image is resolved through SSM when its parameter is one the config lists.
 */
import {
  DescribeImagesCommand,
  DescribeLaunchTemplateVersionsCommand,
  type EC2Client,
  GetAllowedImagesSettingsCommand,
  GetEbsEncryptionByDefaultCommand,
  type Image,
  type LaunchTemplateBlockDeviceMapping,
  type Tag,
} from '@aws-sdk/client-ec2';
import type { FleetConfig } from '../core/config.ts';
import { parameterOf } from '../core/images/parameter.ts';
import type { AllowedImagesFacts, ImageFacts, LaunchFacts, TemplateFacts, VolumeFacts } from '../core/images/facts.ts';
import { ResourceNotFoundError } from '../ports/errors.ts';
import type { LaunchFactsPort } from '../ports/images.ts';
import type { SsmImageParameters } from './ssm-image-parameters.ts';

const firstLine = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).split('\n')[0];
const msOf = (text: string | undefined) => (text === undefined || Number.isNaN(Date.parse(text)) ? undefined : Date.parse(text));

function ebsVolumes(mappings: ReadonlyArray<LaunchTemplateBlockDeviceMapping> | undefined): VolumeFacts[] {
  return (mappings ?? [])
    .filter((m) => m.Ebs !== undefined)
    .map((m) => ({ device: m.DeviceName ?? '', ...(m.Ebs?.Encrypted === undefined ? {} : { encrypted: m.Ebs.Encrypted }) }));
}

/** An image as the gate reads it. */
export function imageFacts(image: Image): ImageFacts {
  const createdAtMs = msOf(image.CreationDate);
  const deprecatedAtMs = msOf(image.DeprecationTime);
  return {
    imageId: image.ImageId ?? '',
    name: image.Name ?? '',
    ownerId: image.OwnerId ?? '',
    ...(image.ImageOwnerAlias === undefined ? {} : { ownerAlias: image.ImageOwnerAlias }),
    creationDate: image.CreationDate ?? '',
    ...(createdAtMs === undefined ? {} : { createdAtMs }),
    ...(image.DeprecationTime === undefined || deprecatedAtMs === undefined ? {} : { deprecation: { time: image.DeprecationTime, atMs: deprecatedAtMs } }),
    tags: Object.fromEntries((image.Tags ?? []).map((t: Tag) => [t.Key ?? '', t.Value ?? ''])),
    volumes: ebsVolumes(image.BlockDeviceMappings),
  };
}

export class Ec2LaunchFacts implements LaunchFactsPort {
  constructor(
    private readonly ec2: EC2Client,
    private readonly parameters?: SsmImageParameters,
  ) {}

  async describeLaunch(launchTemplate: FleetConfig['launchTemplate'], imageId?: string, readable: readonly string[] = []): Promise<LaunchFacts> {
    const template = await this.template(launchTemplate);
    const named = imageId ?? template.imageId;
    const [resolved, allowedImages, encryptionByDefault] = await Promise.all([this.resolve(named, readable), this.allowedImages(), this.encryptionByDefault()]);
    const image = await this.image(resolved);
    return { template, ...(image === undefined ? {} : { image }), allowedImages, encryptionByDefault };
  }

  /** The image id a launch would start: a `resolve:ssm:` parameter's value when it is readable, else the id as named. */
  private async resolve(imageId: string | undefined, readable: readonly string[]): Promise<string | undefined> {
    const parameter = parameterOf(imageId);
    if (parameter === undefined || this.parameters === undefined) return imageId;
    return readable.includes(parameter.name) ? this.parameters.imageIdOf(parameter.selector) : undefined;
  }

  private async template(launchTemplate: FleetConfig['launchTemplate']): Promise<TemplateFacts> {
    const which = launchTemplate.id === undefined ? { LaunchTemplateName: launchTemplate.name } : { LaunchTemplateId: launchTemplate.id };
    const result = await this.ec2.send(new DescribeLaunchTemplateVersionsCommand({ ...which, Versions: [String(launchTemplate.version)] }));
    const version = result.LaunchTemplateVersions?.[0];
    const named = launchTemplate.id ?? launchTemplate.name ?? '';
    if (version === undefined) throw new ResourceNotFoundError(`launch template ${named}`, `it has no version ${launchTemplate.version}`);
    const data = version.LaunchTemplateData ?? {};
    return {
      templateId: version.LaunchTemplateId ?? named,
      version: version.VersionNumber ?? 0,
      ...(data.ImageId === undefined ? {} : { imageId: data.ImageId }),
      ...(data.MetadataOptions?.HttpTokens === undefined ? {} : { httpTokens: data.MetadataOptions.HttpTokens }),
      volumes: ebsVolumes(data.BlockDeviceMappings),
      publicIp: (data.NetworkInterfaces ?? []).some((n) => n.AssociatePublicIpAddress === true),
      ...(data.UserData === undefined || data.UserData === '' ? {} : { userData: Buffer.from(data.UserData, 'base64').toString('utf8') }),
    };
  }

  /** The image by id; undefined when EC2 does not describe it (deregistered, not shared, or not an ami- id). */
  private async image(imageId: string | undefined): Promise<ImageFacts | undefined> {
    if (imageId?.startsWith('ami-') !== true) return undefined;
    try {
      const result = await this.ec2.send(new DescribeImagesCommand({ ImageIds: [imageId], IncludeDeprecated: true }));
      const image = result.Images?.[0];
      return image === undefined ? undefined : imageFacts(image);
    } catch (error) {
      if (error instanceof Error && error.name.startsWith('InvalidAMIID')) return undefined;
      throw error;
    }
  }

  private async allowedImages(): Promise<AllowedImagesFacts> {
    try {
      const result = await this.ec2.send(new GetAllowedImagesSettingsCommand({}));
      const state = result.State === 'enabled' || result.State === 'audit-mode' ? result.State : 'disabled';
      return { state, criteria: (result.ImageCriteria ?? []).map((c) => ({ imageProviders: c.ImageProviders ?? [] })) };
    } catch (error) {
      return { state: 'unreadable', why: `GetAllowedImagesSettings failed: ${firstLine(error)}` };
    }
  }

  private async encryptionByDefault(): Promise<boolean> {
    const result = await this.ec2.send(new GetEbsEncryptionByDefaultCommand({}));
    return result.EbsEncryptionByDefault === true;
  }
}
