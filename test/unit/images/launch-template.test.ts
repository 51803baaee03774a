// The launch template checks, check by check, and the verdict that makes them refusals (enforce) or warnings (warn).
import { describe, expect, it } from 'vitest';
import type { LaunchFacts } from '../../../functions/core/images/facts.ts';
import { checkTemplate } from '../../../functions/core/images/launch-template.ts';
import { judgeLaunch } from '../../../functions/core/images/verdict.ts';
import { NOW_MS, launchFacts, policyOf } from './fixtures.ts';

const LT = 'launch template lt-0123456789abcdef0 version 3';
const checksOf = (checks: Record<string, unknown> = {}) => {
  const found = policyOf({ launchTemplateChecks: checks }).launchTemplateChecks;
  if (found === undefined) throw new Error('no checks');
  return found;
};

const CASES: Array<{ name: string; checks?: Record<string, unknown>; facts: LaunchFacts; findings?: string[] }> = [
  { name: 'a secure template', facts: launchFacts() },
  {
    name: 'IMDSv2 optional',
    facts: launchFacts({ template: { httpTokens: 'optional' } }),
    findings: [`imdsv2: ${LT} does not require IMDSv2 (MetadataOptions.HttpTokens is optional; must be required)`],
  },
  {
    name: 'IMDSv2 not set',
    facts: launchFacts({ template: { httpTokens: undefined } }),
    findings: [`imdsv2: ${LT} does not require IMDSv2 (MetadataOptions.HttpTokens is not set; must be required)`],
  },
  { name: 'IMDSv2 not required by the fleet', checks: { requireImdsV2: false }, facts: launchFacts({ template: { httpTokens: 'optional' } }) },
  {
    name: "the image's root volume unencrypted and a template volume unencrypted",
    facts: launchFacts({ image: { volumes: [{ device: '/dev/xvda', encrypted: false }] }, template: { volumes: [{ device: '/dev/sdf' }] } }),
    findings: [`encrypted-volumes: ${LT} launches unencrypted EBS volumes (/dev/xvda, /dev/sdf) and the account does not encrypt new volumes by default`],
  },
  { name: "the template encrypting the image's root volume", facts: launchFacts({ image: { volumes: [{ device: '/dev/xvda', encrypted: false }] }, template: { volumes: [{ device: '/dev/xvda', encrypted: true }] } }) },
  { name: 'unencrypted volumes with encryption by default', facts: launchFacts({ template: { volumes: [{ device: '/dev/sdf', encrypted: false }] }, encryptionByDefault: true }) },
  {
    name: 'a public IP the fleet does not allow',
    facts: launchFacts({ template: { publicIp: true } }),
    findings: [`public-ip: ${LT} gives instances a public IP address (AssociatePublicIpAddress) and the fleet does not allow it (allowPublicIp: false)`],
  },
  { name: 'a public IP the fleet allows', checks: { allowPublicIp: true }, facts: launchFacts({ template: { publicIp: true } }) },
  {
    name: 'an access key in user data',
    facts: launchFacts({ template: { userData: '#!/bin/bash\nexport X=1\n  AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n' } }),
    findings: [`user-data-secret: ${LT} has what looks like a AWS access key id in its user data at line 3, column 21`],
  },
  { name: 'user data not scanned', checks: { scanUserData: false }, facts: launchFacts({ template: { userData: 'AKIAIOSFODNN7EXAMPLE' } }) },
];

describe('checkTemplate', () => {
  it.each(CASES)('$name', ({ checks, facts, findings = [] }) => {
    expect(checkTemplate(checksOf(checks), facts).map((f) => `${f.rule}: ${f.reason}`)).toEqual(findings);
  });

  it('names the template version as the subject', () => {
    expect(checkTemplate(checksOf(), launchFacts({ template: { httpTokens: 'optional' } })).map((f) => f.subject)).toEqual(['lt-0123456789abcdef0 version 3']);
  });
});

describe('judgeLaunch', () => {
  const insecure = launchFacts({ template: { httpTokens: 'optional' } });

  it('refuses on a template finding in enforce mode', () => {
    const verdict = judgeLaunch(policyOf({ launchTemplateChecks: { mode: 'enforce' } }), insecure, 'not-required', NOW_MS);
    expect([verdict.refusals.map((f) => f.rule), verdict.warnings.map((f) => f.rule)]).toEqual([['imdsv2'], []]);
  });

  it('warns on a template finding in warn mode', () => {
    const verdict = judgeLaunch(policyOf({ launchTemplateChecks: { mode: 'warn' } }), insecure, 'not-required', NOW_MS);
    expect([verdict.refusals.map((f) => f.rule), verdict.warnings.map((f) => f.rule)]).toEqual([[], ['imdsv2']]);
  });

  it('does not check the template without launchTemplateChecks', () => {
    expect(judgeLaunch(policyOf({}), insecure, 'not-required', NOW_MS)).toEqual({ refusals: [], warnings: [] });
  });

  it('refuses an image in warn mode: the mode is only for template checks', () => {
    const verdict = judgeLaunch(policyOf({ allowedOwners: ['amazon'], launchTemplateChecks: { mode: 'warn' } }), insecure, 'not-required', NOW_MS);
    expect([verdict.refusals.map((f) => f.rule), verdict.warnings.map((f) => f.rule)]).toEqual([['owner'], ['imdsv2']]);
  });
});
