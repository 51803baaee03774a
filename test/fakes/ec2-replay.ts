/**
 * A replayed EC2 fleet (bench/observe-replay.ts, test/unit/aws/ec2-identity.test.ts): EC2's XML answers for DescribeInstances,
 * DescribeVolumes, DescribeNetworkInterfaces, DescribeAddresses and DescribeInstanceStatus, built
 * once per item and filtered per request (tag, id and state filters, MaxResults and NextToken),
 * shaped like EC2's (the fields a describe of a launched instance carries, not all of them).
 */
import { Readable } from 'node:stream';
import { EC2Client } from '@aws-sdk/client-ec2';
import { type HttpRequest, HttpResponse } from '@smithy/core/protocols';

const NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const LAUNCHED = '2026-11-01T00:00:00.000Z';

interface Item {
  readonly id: string;
  readonly tags: Record<string, string>;
  readonly xml: string;
}

export interface ReplayFleet {
  readonly instances: readonly Item[];
  readonly volumes: readonly Item[];
  readonly interfaces: readonly Item[];
  readonly addresses: readonly Item[];
}

const hex = (prefix: string, n: number) => `${prefix}-${n.toString(16).padStart(17, '0')}`;
const tagSet = (tags: Record<string, string>) => `<tagSet>${Object.entries(tags).map(([k, v]) => `<item><key>${k}</key><value>${v}</value></item>`).join('')}</tagSet>`;
const zoneOf = (n: number) => `us-east-1${'abc'[n % 3] ?? 'a'}`;

function volumeXml(volumeId: string, instanceId: string, device: string, keep: boolean, tags: Record<string, string>, n: number) {
  return (
    `<item><volumeId>${volumeId}</volumeId><size>${keep ? 100 : 8}</size><snapshotId>snap-0123456789abcdef0</snapshotId><availabilityZone>${zoneOf(n)}</availabilityZone>` +
    `<status>in-use</status><createTime>${LAUNCHED}</createTime><attachmentSet><item><volumeId>${volumeId}</volumeId><instanceId>${instanceId}</instanceId>` +
    `<device>${device}</device><status>attached</status><attachTime>${LAUNCHED}</attachTime><deleteOnTermination>${!keep}</deleteOnTermination></item></attachmentSet>` +
    `${tagSet(tags)}<volumeType>gp3</volumeType><iops>3000</iops><encrypted>true</encrypted><kmsKeyId>arn:aws:kms:us-east-1:123456789012:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0</kmsKeyId>` +
    `<multiAttachEnabled>false</multiAttachEnabled><throughput>125</throughput></item>`
  );
}

function interfaceFields(eniId: string, n: number) {
  const ip = `10.0.${(n >> 8) & 255}.${n & 255}`;
  return {
    ip,
    common:
      `<networkInterfaceId>${eniId}</networkInterfaceId><subnetId>subnet-0aaaaaaaaaaaaaaa${n % 3}</subnetId><vpcId>vpc-0123456789abcdef0</vpcId>` +
      `<description/><ownerId>123456789012</ownerId><status>in-use</status><macAddress>0a:1b:2c:${(n % 256).toString(16).padStart(2, '0')}:4e:5f</macAddress>` +
      `<privateIpAddress>${ip}</privateIpAddress><privateDnsName>ip-${ip.replaceAll('.', '-')}.ec2.internal</privateDnsName><sourceDestCheck>true</sourceDestCheck>` +
      `<groupSet><item><groupId>sg-0123456789abcdef0</groupId><groupName>web</groupName></item></groupSet>`,
  };
}

function interfaceXml(eniId: string, instanceId: string, deviceIndex: number, keep: boolean, tags: Record<string, string>, n: number) {
  const { ip, common } = interfaceFields(eniId, n + deviceIndex * 50_000);
  return (
    `<item>${common}<availabilityZone>${zoneOf(n)}</availabilityZone><requesterManaged>false</requesterManaged><interfaceType>interface</interfaceType>` +
    `<attachment><attachmentId>eni-attach-${eniId.slice(4)}</attachmentId><instanceId>${instanceId}</instanceId><instanceOwnerId>123456789012</instanceOwnerId>` +
    `<deviceIndex>${deviceIndex}</deviceIndex><networkCardIndex>0</networkCardIndex><status>attached</status><attachTime>${LAUNCHED}</attachTime>` +
    `<deleteOnTermination>${!keep}</deleteOnTermination></attachment>${tagSet(tags)}` +
    `<privateIpAddressesSet><item><privateIpAddress>${ip}</privateIpAddress><primary>true</primary></item></privateIpAddressesSet><ipv6AddressesSet/></item>`
  );
}

interface InstanceShape {
  readonly n: number;
  readonly instanceId: string;
  readonly tags: Record<string, string>;
  readonly volumes: readonly { volumeId: string; device: string; keep: boolean }[];
  readonly interfaces: readonly { eniId: string; deviceIndex: number; keep: boolean }[];
}

function instanceXml(shape: InstanceShape) {
  const { n, instanceId } = shape;
  const mappings = shape.volumes
    .map((v) => `<item><deviceName>${v.device}</deviceName><ebs><volumeId>${v.volumeId}</volumeId><status>attached</status><attachTime>${LAUNCHED}</attachTime><deleteOnTermination>${!v.keep}</deleteOnTermination></ebs></item>`)
    .join('');
  const interfaces = shape.interfaces
    .map((e) => {
      const { common } = interfaceFields(e.eniId, n + e.deviceIndex * 50_000);
      return `<item>${common}<attachment><attachmentId>eni-attach-${e.eniId.slice(4)}</attachmentId><deviceIndex>${e.deviceIndex}</deviceIndex><networkCardIndex>0</networkCardIndex><status>attached</status><attachTime>${LAUNCHED}</attachTime><deleteOnTermination>${!e.keep}</deleteOnTermination></attachment><interfaceType>interface</interfaceType></item>`;
    })
    .join('');
  return (
    `<item><instanceId>${instanceId}</instanceId><imageId>ami-0123456789abcdef0</imageId><instanceState><code>16</code><name>running</name></instanceState>` +
    `<privateDnsName>ip-10-0-0-${n % 256}.ec2.internal</privateDnsName><dnsName/><keyName>web</keyName><amiLaunchIndex>0</amiLaunchIndex><instanceType>m7g.large</instanceType>` +
    `<launchTime>${LAUNCHED}</launchTime><placement><availabilityZone>${zoneOf(n)}</availabilityZone><groupName/><tenancy>default</tenancy></placement>` +
    `<monitoring><state>disabled</state></monitoring><subnetId>subnet-0aaaaaaaaaaaaaaa${n % 3}</subnetId><vpcId>vpc-0123456789abcdef0</vpcId>` +
    `<privateIpAddress>10.0.${(n >> 8) & 255}.${n & 255}</privateIpAddress><sourceDestCheck>true</sourceDestCheck><groupSet><item><groupId>sg-0123456789abcdef0</groupId><groupName>web</groupName></item></groupSet>` +
    `<architecture>arm64</architecture><rootDeviceType>ebs</rootDeviceType><rootDeviceName>/dev/xvda</rootDeviceName><blockDeviceMapping>${mappings}</blockDeviceMapping>` +
    `<virtualizationType>hvm</virtualizationType><clientToken>${instanceId.slice(2)}</clientToken>${tagSet(shape.tags)}<hypervisor>xen</hypervisor>` +
    `<networkInterfaceSet>${interfaces}</networkInterfaceSet><iamInstanceProfile><arn>arn:aws:iam::123456789012:instance-profile/web</arn><id>AIPA0123456789ABCDEFG</id></iamInstanceProfile>` +
    `<ebsOptimized>true</ebsOptimized><enaSupport>true</enaSupport><cpuOptions><coreCount>2</coreCount><threadsPerCore>1</threadsPerCore></cpuOptions>` +
    `<metadataOptions><state>applied</state><httpTokens>required</httpTokens><httpPutResponseHopLimit>2</httpPutResponseHopLimit><httpEndpoint>enabled</httpEndpoint></metadataOptions>` +
    `<platformDetails>Linux/UNIX</platformDetails><usageOperation>RunInstances</usageOperation><bootMode>uefi</bootMode><currentInstanceBootMode>uefi</currentInstanceBootMode></item>`
  );
}

/** `count` instances of fleet `fleet`; the first `carried` carry each kind of identity. */
export function buildReplayFleet(count: number, carried: number, fleetTagKey: string, fleet: string): ReplayFleet {
  const fleetTags = { [fleetTagKey]: fleet };
  const fleetInstances: Item[] = [];
  const volumes: Item[] = [];
  const interfaces: Item[] = [];
  const addresses: Item[] = [];
  for (let n = 0; n < count; n++) {
    const instanceId = hex('i', n);
    const shape: InstanceShape = {
      n,
      instanceId,
      tags: { ...fleetTags, 'fleetward:owner': 'fleetward-bench', 'fleetward:command-id': `launch-${n >> 6}`, Name: 'web' },
      volumes: [{ volumeId: hex('vol', n), device: '/dev/xvda', keep: false }, ...(n < carried ? [{ volumeId: hex('vol', 1e6 + n), device: '/dev/sdf', keep: true }] : [])],
      interfaces: [{ eniId: hex('eni', n), deviceIndex: 0, keep: false }, ...(n < carried ? [{ eniId: hex('eni', 1e6 + n), deviceIndex: 1, keep: true }] : [])],
    };
    fleetInstances.push({ id: instanceId, tags: shape.tags, xml: instanceXml(shape) });
    for (const v of shape.volumes) volumes.push({ id: v.volumeId, tags: fleetTags, xml: volumeXml(v.volumeId, instanceId, v.device, v.keep, fleetTags, n) });
    for (const e of shape.interfaces) interfaces.push({ id: e.eniId, tags: fleetTags, xml: interfaceXml(e.eniId, instanceId, e.deviceIndex, e.keep, fleetTags, n) });
    if (n < carried) {
      const allocationId = hex('eipalloc', n);
      const xml = `<item><publicIp>198.51.100.${n}</publicIp><allocationId>${allocationId}</allocationId><domain>vpc</domain><instanceId>${instanceId}</instanceId><associationId>eipassoc-${n}</associationId><networkInterfaceId>${hex('eni', n)}</networkInterfaceId><networkInterfaceOwnerId>123456789012</networkInterfaceOwnerId><privateIpAddress>10.0.0.${n}</privateIpAddress>${tagSet(fleetTags)}<publicIpv4Pool>amazon</publicIpv4Pool><networkBorderGroup>us-east-1</networkBorderGroup></item>`;
      addresses.push({ id: allocationId, tags: fleetTags, xml });
    }
  }
  return { instances: fleetInstances, volumes, interfaces, addresses };
}

/** The request's filters: name to accepted values (EC2 ANDs names, ORs values). */
function filtersOf(params: URLSearchParams): Map<string, Set<string>> {
  const filters = new Map<string, Set<string>>();
  for (let i = 1; params.has(`Filter.${i}.Name`); i++) {
    const values = new Set<string>();
    for (let j = 1; params.has(`Filter.${i}.Value.${j}`); j++) values.add(params.get(`Filter.${i}.Value.${j}`) ?? '');
    filters.set(params.get(`Filter.${i}.Name`) ?? '', values);
  }
  return filters;
}

const ID_FILTERS = new Set(['instance-id', 'volume-id', 'network-interface-id', 'allocation-id']);

function matches(item: Item, filters: Map<string, Set<string>>): boolean {
  for (const [name, values] of filters) {
    if (name.startsWith('tag:') && !values.has(item.tags[name.slice(4)] ?? '\u0000')) return false;
    if (name === 'tag-key' && ![...values].some((key) => key in item.tags)) return false;
    if (ID_FILTERS.has(name) && !values.has(item.id)) return false;
  }
  return true;
}

function page(items: readonly Item[], params: URLSearchParams): { xml: string; next: string } {
  const filters = filtersOf(params);
  const matching = items.filter((item) => matches(item, filters));
  const start = Number(params.get('NextToken') ?? 0);
  const size = Number(params.get('MaxResults') ?? matching.length);
  const end = Math.min(matching.length, start + size);
  return { xml: matching.slice(start, end).map((i) => i.xml).join(''), next: end < matching.length ? `<nextToken>${end}</nextToken>` : '' };
}

/** EC2's XML answer to one request of the five the observe phase makes. */
export function answer(fleet: ReplayFleet, params: URLSearchParams): string {
  const action = params.get('Action') ?? '';
  const wrap = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${NS}"><requestId>00000000-0000-0000-0000-000000000000</requestId>${body}</${action}Response>`;
  const set = (name: string, items: readonly Item[]) => {
    const { xml, next } = page(items, params);
    return wrap(`<${name}>${xml}</${name}>${next}`);
  };
  if (action === 'DescribeInstances') {
    const { xml, next } = page(fleet.instances, params);
    return wrap(`<reservationSet><item><reservationId>r-0123456789abcdef0</reservationId><ownerId>123456789012</ownerId><instancesSet>${xml}</instancesSet></item></reservationSet>${next}`);
  }
  if (action === 'DescribeVolumes') return set('volumeSet', fleet.volumes);
  if (action === 'DescribeNetworkInterfaces') return set('networkInterfaceSet', fleet.interfaces);
  if (action === 'DescribeAddresses') return set('addressesSet', fleet.addresses);
  if (action === 'DescribeInstanceStatus') return wrap('<instanceStatusSet/>');
  throw new Error(`the replay does not answer ${action}`);
}

/** An EC2 client answered from `fleet`, telling `onAnswer` each request's action, parameters and XML. */
export function replayClient(fleet: ReplayFleet, onAnswer: (action: string, params: URLSearchParams, xml: string) => void): EC2Client {
  const handle = async (request: HttpRequest) => {
    const params = new URLSearchParams(String(request.body));
    const xml = answer(fleet, params);
    onAnswer(params.get('Action') ?? '', params, xml);
    return { response: new HttpResponse({ statusCode: 200, headers: { 'content-type': 'text/xml' }, body: Readable.from([Buffer.from(xml)]) }) };
  };
  return new EC2Client({
    region: 'us-east-1',
    credentials: { accessKeyId: 'replay', secretAccessKey: 'replay' },
    requestHandler: { handle, updateHttpClientConfig: () => undefined, httpHandlerConfigs: () => ({}) },
  });
}
