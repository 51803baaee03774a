/**
 * Just enough of CloudFormation for the deployment tests, over its query API with plain HTTP
 * (the SDK's CloudFormation client is not a dependency): create a stack from a template body,
 * wait for it to settle, and read its status and its resources' statuses and reasons.
 */

export interface StackResource {
  readonly logicalId: string;
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
}

const STACK_FIELD = /<(StackStatus|StackStatusReason)>([^<]*)</g;
const MEMBER = /<member>([\s\S]*?)<\/member>/g;

function decodeXml(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

function field(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  return match?.[1] === undefined ? undefined : decodeXml(match[1]);
}

/** One query-API call; the response's XML, or an error with CloudFormation's answer. */
async function call(endpoint: string, action: string, parameters: Record<string, string>): Promise<string> {
  const body = new URLSearchParams({ Action: action, Version: '2010-05-15', ...parameters });
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`CloudFormation ${action} answered HTTP ${response.status}: ${text.slice(0, 500)}`);
  return text;
}

export async function createStack(endpoint: string, stackName: string, template: unknown): Promise<void> {
  await call(endpoint, 'CreateStack', {
    StackName: stackName,
    TemplateBody: JSON.stringify(template),
    'Capabilities.member.1': 'CAPABILITY_IAM',
    'Capabilities.member.2': 'CAPABILITY_NAMED_IAM',
  });
}

export async function stackStatus(endpoint: string, stackName: string): Promise<{ status: string; reason?: string }> {
  const xml = await call(endpoint, 'DescribeStacks', { StackName: stackName });
  const fields = Object.fromEntries([...xml.matchAll(STACK_FIELD)].map(([, name, value]) => [name, decodeXml(value ?? '')]));
  return { status: fields.StackStatus ?? 'UNKNOWN', ...(fields.StackStatusReason ? { reason: fields.StackStatusReason } : {}) };
}

/** Polls until the stack's status no longer ends in _IN_PROGRESS. */
export async function settledStatus(endpoint: string, stackName: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status } = await stackStatus(endpoint, stackName);
    if (!status.endsWith('_IN_PROGRESS') || Date.now() > deadline) return status;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

export async function stackResources(endpoint: string, stackName: string): Promise<StackResource[]> {
  const xml = await call(endpoint, 'DescribeStackResources', { StackName: stackName });
  return [...xml.matchAll(MEMBER)].map(([, member = '']) => {
    const reason = field(member, 'ResourceStatusReason');
    return {
      logicalId: field(member, 'LogicalResourceId') ?? '',
      type: field(member, 'ResourceType') ?? '',
      status: field(member, 'ResourceStatus') ?? '',
      ...(reason ? { reason } : {}),
    };
  });
}
