/**
 * Builds the fleetward stack for infra tests the way `cdk synth` does (cdk.json's context), but
 * with bundling skipped: the scale function gets a stub asset, so a synth takes well under a second.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { validateConfig, type FleetwardConfig } from '../../functions/core/config.ts';
import { FleetwardStack, type FleetwardStackProps } from '../../lib/fleetward-stack.ts';
import { loadConfig } from '../../lib/load-config.ts';
import { CONFIG_FILE_NAME, CONFIG_LAYER_DIRECTORY, readConfigFile } from '../../functions/handlers/config-file.ts';

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};

/** The example config at the repository root, the one `npx cdk synth` deploys by default. */
export const exampleConfig: FleetwardConfig = loadConfig();

/** An app with the CLI's context that bundles no stack. */
export function newApp(context: Record<string, unknown> = {}): App {
  return new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], ...context } });
}

/** The example config plus a second fleet, `batch`, scaled out by the alarm `batch-backlog-high`. */
export function twoFleetConfig(): FleetwardConfig {
  const [web] = exampleConfig.fleets;
  if (web === undefined) throw new Error('the example config has no fleet');
  return validateConfig({
    ...exampleConfig,
    fleets: [
      web,
      {
        ...web,
        name: 'batch',
        subnets: ['subnet-0aaaaaaaaaaaaaaa1'],
        scaling: { ...web.scaling, scaleOutAlarms: ['batch-backlog-high'] },
      },
    ],
  });
}

/** Target group ARNs as the config schema accepts them. */
export const WEB_TARGET_GROUP = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef';
export const SHARED_TARGET_GROUP = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shared/fedcba9876543210';

/** The two fleets in target groups: web in its own and the shared one, batch in the shared one. */
export function targetGroupConfig(): FleetwardConfig {
  const [web, batch] = twoFleetConfig().fleets;
  if (web === undefined || batch === undefined) throw new Error('twoFleetConfig has fewer than two fleets');
  return validateConfig({
    ...exampleConfig,
    fleets: [
      { ...web, targetGroups: [WEB_TARGET_GROUP, SHARED_TARGET_GROUP] },
      { ...batch, targetGroups: [SHARED_TARGET_GROUP] },
    ],
  });
}

export interface Synthesized {
  readonly app: App;
  readonly stack: FleetwardStack;
  readonly template: Template;
}

/** Synthesizes the stack `Fleetward` for a config (the example by default). */
export function synthesize(props: Partial<FleetwardStackProps> = {}): Synthesized {
  const app = newApp();
  const stack = new FleetwardStack(app, 'Fleetward', { config: exampleConfig, ...props });
  return { app, stack, template: Template.fromStack(stack) };
}

/** An IAM policy statement as it appears in the template. */
export interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** Every statement of every AWS::IAM::Policy in the template. */
export function policyStatements(template: Template): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy') as Record<
    string,
    { Properties: { PolicyDocument: { Statement: Statement[] } } }
  >;
  return Object.values(policies).flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

/** The owner identity as the template holds it by default: the state table's name. */
export function tableOwner(template: Template): { Ref: string } {
  const [table] = Object.keys(template.findResources('AWS::DynamoDB::Table'));
  if (table === undefined) throw new Error('the template has no table');
  return { Ref: table };
}

export const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** A resource ARN as text: `${AWS::Region}` for a Ref, `<Logical.Arn>` for a GetAtt. */
export function arnText(value: unknown): string {
  if (typeof value === 'string') return value;
  const intrinsic = value as { Ref?: string; 'Fn::GetAtt'?: string[]; 'Fn::Join'?: [string, unknown[]] };
  if (intrinsic.Ref !== undefined) return `\${${intrinsic.Ref}}`;
  if (intrinsic['Fn::GetAtt'] !== undefined) return `<${intrinsic['Fn::GetAtt'].join('.')}>`;
  if (intrinsic['Fn::Join'] !== undefined) {
    const [separator, parts] = intrinsic['Fn::Join'];
    return parts.map(arnText).join(separator);
  }
  return JSON.stringify(value);
}

/** The config file in the stack's config layer, as the functions read it (validated again). */
export function configInLayer({ app, template }: Pick<Synthesized, 'app' | 'template'>): FleetwardConfig {
  const [layer] = Object.values(template.findResources('AWS::Lambda::LayerVersion')) as { Properties: { Content: { S3Key: string } } }[];
  if (layer === undefined) throw new Error('the template has no layer');
  const hash = layer.Properties.Content.S3Key.replace(/\.zip$/, '');
  return readConfigFile(join(app.synth().directory, `asset.${hash}`, CONFIG_LAYER_DIRECTORY, CONFIG_FILE_NAME));
}
