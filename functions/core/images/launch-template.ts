/**
 * The secure launch template checks: IMDSv2 required, EBS volumes encrypted, no public IP unless
 * allowed, no secrets in user data. Each failed check is a finding naming the template version
 * and the check; a secret is named by its pattern and position, never quoted.
 */
import type { ImagePolicy } from '../config.ts';
import type { Finding, LaunchFacts, VolumeFacts } from './facts.ts';
import { scanSecrets } from './secrets.ts';

export type TemplateChecks = NonNullable<ImagePolicy['launchTemplateChecks']>;

/** The volumes an instance gets: the template's mappings, and the image's where the template does not override them. */
function launchedVolumes(facts: LaunchFacts): VolumeFacts[] {
  const fromTemplate = new Map(facts.template.volumes.map((v) => [v.device, v]));
  const fromImage = (facts.image?.volumes ?? []).map((v) => {
    const override = fromTemplate.get(v.device);
    return override?.encrypted === undefined ? v : override;
  });
  const imageDevices = new Set(fromImage.map((v) => v.device));
  return [...fromImage, ...facts.template.volumes.filter((v) => !imageDevices.has(v.device))];
}

function imdsCheck(facts: LaunchFacts): string | undefined {
  const tokens = facts.template.httpTokens;
  if (tokens === 'required') return undefined;
  return `does not require IMDSv2 (MetadataOptions.HttpTokens is ${tokens ?? 'not set'}; must be required)`;
}

function encryptionCheck(facts: LaunchFacts): string | undefined {
  if (facts.encryptionByDefault) return undefined;
  const unencrypted = launchedVolumes(facts).filter((v) => v.encrypted !== true).map((v) => v.device);
  if (unencrypted.length === 0) return undefined;
  return `launches unencrypted EBS volumes (${unencrypted.join(', ')}) and the account does not encrypt new volumes by default`;
}

function publicIpCheck(checks: TemplateChecks, facts: LaunchFacts): string | undefined {
  if (checks.allowPublicIp || !facts.template.publicIp) return undefined;
  return 'gives instances a public IP address (AssociatePublicIpAddress) and the fleet does not allow it (allowPublicIp: false)';
}

function secretChecks(facts: LaunchFacts): string[] {
  return scanSecrets(facts.template.userData ?? '').map((m) => `has what looks like a ${m.pattern} in its user data at line ${m.line}, column ${m.column}`);
}

/** The template version in use, checked as the fleet asks; every failed check is one finding. */
export function checkTemplate(checks: TemplateChecks, facts: LaunchFacts): Finding[] {
  const { templateId, version } = facts.template;
  const subject = `${templateId} version ${version}`;
  const found = (rule: string, what: string | undefined): Finding[] => (what === undefined ? [] : [{ rule, subject, reason: `launch template ${subject} ${what}` }]);
  return [
    ...(checks.requireImdsV2 ? found('imdsv2', imdsCheck(facts)) : []),
    ...(checks.requireEncryptedVolumes ? found('encrypted-volumes', encryptionCheck(facts)) : []),
    ...found('public-ip', publicIpCheck(checks, facts)),
    ...(checks.scanUserData ? secretChecks(facts).flatMap((what) => found('user-data-secret', what)) : []),
  ];
}
