/**
 * The synthesized template without what LocalStack cannot create offline — the DynamoDB table
 * and the Lambda resources (the functions, the config layer, invoke configs and permissions) — each reference to
 * them replaced by the name or ARN they would have, so the rest of the stack can be deployed.
 */

export interface Template {
  Resources: Record<string, { Type: string; DependsOn?: string | string[]; [key: string]: unknown }>;
  Parameters?: Record<string, unknown>;
  Rules?: Record<string, unknown>;
  [key: string]: unknown;
}

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';

/** LocalStack community downloads DynamoDB Local and Lambda runtimes at first use, which fails offline. */
export const isOffline = (type: string): boolean => type === 'AWS::DynamoDB::Table' || type.startsWith('AWS::Lambda::');

function arnOf(type: string, name: string): string {
  if (type === 'AWS::DynamoDB::Table') return `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}`;
  if (type === 'AWS::Lambda::Function') return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
  throw new Error(`no stand-in ARN for a ${type}`);
}

/** The value a Ref or Fn::GetAtt of a removed resource stands for; undefined when the node is neither. */
function standIn(node: Record<string, unknown>, removed: ReadonlyMap<string, string>): string | undefined {
  const ref = node.Ref;
  if (typeof ref === 'string' && removed.has(ref)) return `offline-${ref}`;
  const getAtt = node['Fn::GetAtt'];
  if (!Array.isArray(getAtt)) return undefined;
  const [logicalId, attribute] = getAtt as [string, string];
  const type = removed.get(logicalId);
  if (type === undefined) return undefined;
  if (attribute !== 'Arn') throw new Error(`no stand-in for ${logicalId}.${attribute}`);
  return arnOf(type, `offline-${logicalId}`);
}

function replaceReferences(value: unknown, removed: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(value)) return value.map((item) => replaceReferences(item, removed));
  if (value === null || typeof value !== 'object') return value;
  const node = value as Record<string, unknown>;
  const replacement = standIn(node, removed);
  if (replacement !== undefined) return replacement;
  return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, replaceReferences(item, removed)]));
}

export function withoutOfflineResources(template: Template): { template: Template; removed: ReadonlyMap<string, string> } {
  const removed = new Map(Object.entries(template.Resources).flatMap(([id, resource]) => (isOffline(resource.Type) ? [[id, resource.Type] as const] : [])));
  const kept = Object.entries(template.Resources)
    .filter(([id]) => !removed.has(id))
    .map(([id, resource]) => {
      const dependsOn = [resource.DependsOn ?? []].flat().filter((dependency) => !removed.has(dependency));
      const { DependsOn: _dependsOn, ...rest } = resource;
      return [id, { ...rest, ...(dependsOn.length > 0 ? { DependsOn: dependsOn } : {}) }] as const;
    });
  // The bootstrap version check needs the bootstrap stack's SSM parameter, which this deploy does not.
  const { Rules: _rules, Parameters: _parameters, ...rest } = template;
  const withoutRemoved = { ...rest, Resources: Object.fromEntries(kept) } as Template;
  return { template: replaceReferences(withoutRemoved, removed) as Template, removed };
}
