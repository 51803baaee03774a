/**
 * The status checks of a fleet's running instances, in calls that grow with pages, not with the
 * fleet: up to BY_ID_MAX instances are asked by id (100 a call); a larger fleet asks EC2 for the
 * instances whose instance or system check is not ok (two paginated calls, 1,000 a page, over the
 * account's running instances) and reads every other one as ok, except those started in the last
 * YOUNG_MS, which are asked by id: a just-started instance may not be in a filtered answer yet
 * (a fleet all started that recently is asked by id alone).
 */
import { type EC2Client, type InstanceStatus, DescribeInstanceStatusCommand, paginateDescribeInstanceStatus } from '@aws-sdk/client-ec2';
import type { InstanceHealth } from '../core/model.ts';

/** DescribeInstanceStatus takes at most 100 instance ids a call. */
const IDS_PER_CALL = 100;
/** Asking by id costs at most two calls up to here, as much as the filtered answer's two. */
export const BY_ID_MAX = 200;
/** Instances started this recently are asked by id in a large fleet. */
export const YOUNG_MS = 15 * 60_000;
/** Every status but ok: the filtered answer names the instances that are not ok. */
const NOT_OK = ['impaired', 'initializing', 'insufficient-data', 'not-applicable'];
const FILTERED_PAGE = 1000;

export interface RunningInstance {
  readonly instanceId: string;
  readonly launchTimeMs: number;
}

function healthOf(status: InstanceStatus): InstanceHealth {
  if (status.InstanceStatus?.Status === 'impaired' || status.SystemStatus?.Status === 'impaired') return 'impaired';
  return status.InstanceStatus?.Status === 'ok' && status.SystemStatus?.Status === 'ok' ? 'ok' : 'unknown';
}

async function byId(ec2: EC2Client, instanceIds: readonly string[], health: Map<string, InstanceHealth>): Promise<void> {
  for (let start = 0; start < instanceIds.length; start += IDS_PER_CALL) {
    const result = await ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: instanceIds.slice(start, start + IDS_PER_CALL), IncludeAllInstances: true }));
    for (const status of result.InstanceStatuses ?? []) health.set(status.InstanceId ?? '', healthOf(status));
  }
}

/** The account's running instances whose `check` (instance-status or system-status) is not ok, kept when they are `wanted`. */
async function notOk(ec2: EC2Client, check: 'instance-status.status' | 'system-status.status', wanted: ReadonlySet<string>): Promise<InstanceStatus[]> {
  const found: InstanceStatus[] = [];
  const pages = paginateDescribeInstanceStatus({ client: ec2, pageSize: FILTERED_PAGE }, { Filters: [{ Name: check, Values: NOT_OK }] });
  for await (const page of pages) found.push(...(page.InstanceStatuses ?? []).filter((s) => wanted.has(s.InstanceId ?? '')));
  return found;
}

/** Each running instance's health; an instance EC2 did not answer for is missing (unknown to the caller). */
export async function readInstanceHealth(ec2: EC2Client, running: readonly RunningInstance[], nowMs: number): Promise<Map<string, InstanceHealth>> {
  const health = new Map<string, InstanceHealth>();
  if (running.length <= BY_ID_MAX || running.every((i) => i.launchTimeMs > nowMs - YOUNG_MS)) {
    await byId(ec2, running.map((i) => i.instanceId), health);
    return health;
  }
  const young = running.filter((i) => i.launchTimeMs > nowMs - YOUNG_MS).map((i) => i.instanceId);
  const settled = new Set(running.filter((i) => i.launchTimeMs <= nowMs - YOUNG_MS).map((i) => i.instanceId));
  const [instanceChecks, systemChecks] = await Promise.all([notOk(ec2, 'instance-status.status', settled), notOk(ec2, 'system-status.status', settled)]);
  for (const id of settled) health.set(id, 'ok');
  for (const status of [...instanceChecks, ...systemChecks]) {
    const id = status.InstanceId ?? '';
    if (health.get(id) !== 'impaired') health.set(id, healthOf(status));
  }
  await byId(ec2, young, health);
  return health;
}
