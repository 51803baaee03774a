/**
 * Synthesizes the stack for N fleets (each with two target groups and two scale-out alarms) and
 * prints the time, the resource count, the template's size and the IAM policies' sizes against
 * IAM's limits: `npx tsx bench/fleets-synth.ts --sizes 1,100,500`.
 */
import { createHash } from 'node:crypto';
import { App } from 'aws-cdk-lib';
import { validateConfig } from '../functions/core/config.ts';
import { FleetwardStack } from '../lib/fleetward-stack.ts';
import { loadConfig } from '../lib/load-config.ts';

const sizesArgument = process.argv.indexOf('--sizes');
const sizes = (sizesArgument < 0 ? '1,100,500' : (process.argv[sizesArgument + 1] ?? '')).split(',').map(Number);
const hex = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);
const example = loadConfig();
const [web] = example.fleets;
if (web === undefined) throw new Error('the example config has no fleet');

type Resource = { Type: string; Properties: { PolicyDocument?: unknown; Roles?: unknown[] } };

for (const count of sizes) {
  const config = validateConfig({
    ...example,
    fleets: Array.from({ length: count }, (_, i) => ({
      ...web,
      name: `fleet-${String(i).padStart(3, '0')}`,
      targetGroups: [`arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/fleet-${i}/${hex(`tg${i}`)}`],
      scaling: { ...web.scaling, scaleOutAlarms: [`fleet-${i}-cpu-high-${hex(String(i))}`] },
    })),
  });
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const started = performance.now();
  new FleetwardStack(app, 'Fleetward', { config });
  const template = app.synth().getStackByName('Fleetward').template as { Resources: Record<string, Resource> };
  const seconds = (performance.now() - started) / 1000;
  const resources = Object.values(template.Resources);
  const size = (r: Resource) => JSON.stringify(r.Properties.PolicyDocument).replace(/\s/g, '').length;
  const inline = resources.filter((r) => r.Type === 'AWS::IAM::Policy').map(size);
  const managed = resources.filter((r) => r.Type === 'AWS::IAM::ManagedPolicy').map(size);
  console.log(
    `${count} fleets: synth ${seconds.toFixed(1)} s, ${resources.length} resources, template ${JSON.stringify(template).length} bytes, ` +
      `inline policies ${inline.join('+')} chars (IAM: 10,240 a role), ${managed.length} managed policies of at most ${Math.max(0, ...managed)} chars (IAM: 6,144 each, 10 a role by default)`,
  );
}
