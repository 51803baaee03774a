// The user-data scanner: each pattern with its position, text that must not match, and no secret in any message.
import { describe, expect, it } from 'vitest';
import { checkTemplate } from '../../../functions/core/images/launch-template.ts';
import { scanSecrets } from '../../../functions/core/images/secrets.ts';
import { launchFacts, policyOf } from './fixtures.ts';

const SECRETS: Array<{ pattern: string; text: string; secret: string; line: number; column: number }> = [
  { pattern: 'AWS access key id', text: 'export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE', secret: 'AKIAIOSFODNN7EXAMPLE', line: 1, column: 26 },
  { pattern: 'AWS access key id', text: '#!/bin/sh\n\n  key="ASIAY34FZKBOKMUTVV7A"', secret: 'ASIAY34FZKBOKMUTVV7A', line: 3, column: 8 },
  {
    pattern: 'AWS secret access key',
    text: '[default]\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    line: 2,
    column: 1,
  },
  { pattern: 'private key', text: 'cat > /root/id <<EOF\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n', secret: 'b3BlbnNzaC1rZXktdjEAAAAA', line: 2, column: 1 },
  { pattern: 'private key', text: '-----BEGIN RSA PRIVATE KEY-----', secret: 'RSA PRIVATE KEY', line: 1, column: 1 },
  { pattern: 'GitHub token', text: 'git clone https://ghp_0123456789abcdefghijABCDEFGHIJ012345@github.com/x/y', secret: 'ghp_0123456789abcdefghijABCDEFGHIJ012345', line: 1, column: 19 },
  { pattern: 'Slack token', text: 'curl -H "Authorization: Bearer xoxb-1234567890-abcdefghij"', secret: 'xoxb-1234567890-abcdefghij', line: 1, column: 32 },
  { pattern: 'password or token assignment', text: 'echo ok\nDB_PASSWORD=s3cr3t-Pa55word!', secret: 's3cr3t-Pa55word!', line: 2, column: 4 },
];

describe('scanSecrets', () => {
  it.each(SECRETS)('finds a $pattern at line $line, column $column', ({ pattern, text, line, column }) => {
    expect(scanSecrets(text)).toEqual([{ pattern, line, column }]);
  });

  it.each([
    ['a script without secrets', '#!/bin/bash\nyum install -y nginx\nsystemctl start nginx\n'],
    ['a password read from a variable', 'DB_PASSWORD=$DB_PASSWORD_FROM_SSM'],
    ['a short value', 'password=abc'],
    ['a public key', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG user@host'],
    ['an access key id inside a longer word', 'XAKIAIOSFODNN7EXAMPLEX'],
  ])('finds nothing in %s', (_name, text) => {
    expect(scanSecrets(text)).toEqual([]);
  });

  it('reports every secret once, in order, even where patterns overlap', () => {
    const text = 'token=ghp_0123456789abcdefghijABCDEFGHIJ012345\nAKIAIOSFODNN7EXAMPLE';
    expect(scanSecrets(text)).toEqual([
      { pattern: 'GitHub token', line: 1, column: 7 },
      { pattern: 'AWS access key id', line: 2, column: 1 },
    ]);
  });

  it.each(SECRETS)('never prints the $pattern in a finding', ({ text, secret }) => {
    const checks = policyOf({ launchTemplateChecks: {} }).launchTemplateChecks;
    if (checks === undefined) throw new Error('no checks');
    const findings = checkTemplate(checks, launchFacts({ template: { userData: text } }));
    expect(findings.length).toBe(1);
    expect(JSON.stringify(findings)).not.toContain(secret);
  });
});
