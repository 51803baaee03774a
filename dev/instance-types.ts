/**
 * Refreshing fleetward's list of EC2 instance types (functions/core/instance-types.json) from
 * DescribeInstanceTypes: `npm run refresh:instance-types` with the credentials and region of the
 * account to read (or AWS_ENDPOINT_URL for an emulator). Writes the sorted names and today's date.
 */
import { writeFile } from 'node:fs/promises';
import { type EC2Client, paginateDescribeInstanceTypes } from '@aws-sdk/client-ec2';

export const INSTANCE_TYPES_FILE = new URL('../functions/core/instance-types.json', import.meta.url);

/** Every instance type the region offers, sorted by name. */
export async function describeInstanceTypes(ec2: EC2Client): Promise<string[]> {
  const types: string[] = [];
  for await (const page of paginateDescribeInstanceTypes({ client: ec2 }, {})) {
    for (const type of page.InstanceTypes ?? []) if (type.InstanceType !== undefined) types.push(type.InstanceType);
  }
  return [...new Set(types)].sort();
}

export async function writeInstanceTypes(file: URL | string, types: readonly string[], source: string, date: string): Promise<void> {
  await writeFile(file, `${JSON.stringify({ source, date, types }, null, 0).replace(/,"/g, ',\n"')}\n`);
}
