/** `npm run refresh:instance-types`: writes functions/core/instance-types.json again from DescribeInstanceTypes. */
import { EC2Client } from '@aws-sdk/client-ec2';
import { INSTANCE_TYPES_FILE, describeInstanceTypes, writeInstanceTypes } from './instance-types.ts';

const ec2 = new EC2Client({});
const types = await describeInstanceTypes(ec2);
const region = await ec2.config.region();
await writeInstanceTypes(INSTANCE_TYPES_FILE, types, `EC2 DescribeInstanceTypes in ${region}`, new Date().toISOString().slice(0, 10));
console.log(`wrote ${types.length} instance types to ${INSTANCE_TYPES_FILE.pathname}`);
