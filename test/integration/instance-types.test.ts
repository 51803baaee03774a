// Refreshing the list of instance types from DescribeInstanceTypes (here the emulator's, which is EC2's own list).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EC2Client } from '@aws-sdk/client-ec2';
import { expect, it } from 'vitest';
import { describeInstanceTypes, writeInstanceTypes } from '../../dev/instance-types.ts';
import shipped from '../../functions/core/instance-types.json' with { type: 'json' };
import { requires } from './capabilities.ts';

it('reads every type, sorted, and writes them as the shipped list is written', async () => {
  const types = await describeInstanceTypes(new EC2Client({}));
  expect(types.length).toBeGreaterThan(1000);
  expect(types).toEqual([...types].sort());
  expect(types).toEqual(expect.arrayContaining(['m7g.large', 't4g.micro', 'c7i.xlarge']));
  const file = join(mkdtempSync(join(tmpdir(), 'fleetward-types-')), 'instance-types.json');
  await writeInstanceTypes(file, types, 'EC2 DescribeInstanceTypes in us-east-1', '2026-12-01');
  const written = JSON.parse(readFileSync(file, 'utf8')) as typeof shipped;
  expect(written).toEqual({ source: 'EC2 DescribeInstanceTypes in us-east-1', date: '2026-12-01', types });
});

it("reads the shipped list's types, which were read from this emulator", async () => {
  requires('moto instance types');
  expect(await describeInstanceTypes(new EC2Client({}))).toEqual(shipped.types);
});
