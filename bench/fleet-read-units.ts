/**
 * The read units of a step's read of a fleet's records, estimated from the items' sizes by
 * DynamoDB's size rules (names and strings in UTF-8 bytes, a number 1 byte per two significant
 * digits plus 1, 3 bytes a map or list plus 1 an element; a Query bills the sum of what it read,
 * in 4 KB units, a consistent read 1 a unit, an eventually consistent one 0.5). Items shaped as
 * the adapters write them: instance records as a launch writes them, a status after a scale-out,
 * a predictive fleet's load history chunks (60 periods each, loads with 16 significant digits).
 * Compares one Query from INSTANCE# to STATUS (the load history in that range billed too) with
 * the three reads that skip it and the load history's own eventually consistent Query.
 */
import { LOAD_HISTORY_DAYS } from '../functions/core/forecast/index.ts';
import { LOAD_POINTS_PER_ITEM, TTL_ATTRIBUTE, instanceItem, loadChunkItem, requestItem, statusItem } from '../functions/aws/table-keys.ts';

const NOW = 1_800_000_000_000;
const FLEET = 'workers';

function sizeOf(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') return Math.ceil(String(value).replace(/[^0-9]/g, '').replace(/^0+/, '').length / 2) + 1;
  if (typeof value === 'boolean' || value === null) return 1;
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, element) => sum + 1 + sizeOf(element), 0);
  return 3 + Object.entries(value as Record<string, unknown>).reduce((sum, [name, element]) => sum + 1 + Buffer.byteLength(name) + sizeOf(element), 0);
}
/** An item's size: its attributes' names and values (the map overhead is not billed on a whole item). */
const itemSize = (item: Record<string, unknown>) => sizeOf(item) - 3 - Object.keys(item).length;

const instance = (k: number) => ({
  ...instanceItem.key(FLEET, `i-0${k.toString(16).padStart(16, '0')}`),
  instanceId: `i-0${k.toString(16).padStart(16, '0')}`,
  lifecycle: 'in-service',
  launchedAtMs: NOW - k * 1000,
  reason: `launched by ${FLEET}/12/launch/subnet-0123456789abcdef0`,
  version: 3,
});
const status = {
  ...statusItem.key(FLEET),
  step: 1234,
  desiredCapacity: 100,
  recommendations: [{ atMs: NOW, capacity: 100 }],
  lastScaleOutAtMs: NOW - 3_600_000,
  logged: { atMs: NOW - 60_000, digest: '9f1c2b3a' },
  version: 1234,
  writeToken: '123e4567-e89b-12d3-a456-426614174000',
};
const requestSize = itemSize({ ...requestItem.key(FLEET, NOW, 'r-1'), requestId: 'r-1', kind: 'drain', instanceId: 'i-0123', requestedAtMs: NOW, requestedBy: 'cli:ops' });
const chunk = {
  ...loadChunkItem.key(FLEET, 60, 500_000),
  ...Object.fromEntries(Array.from({ length: LOAD_POINTS_PER_ITEM }, (_, k) => [loadChunkItem.loadAttribute(k), 37.25166666666667 + k])),
  [TTL_ATTRIBUTE]: 1_800_000_000,
};

const units = (bytes: number, consistent: boolean) => Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);
const instanceBytes = itemSize(instance(1));
const chunkBytes = itemSize(chunk);
console.log(`item sizes: instance record ${instanceBytes} B, status ${itemSize(status)} B, request ${requestSize} B, load chunk ${chunkBytes} B (${LOAD_POINTS_PER_ITEM} periods)`);
console.log('| instances | metric period | load chunks | one Query (units) | three reads that skip the history (units) | the history\'s own Query (units, eventually consistent) |');
console.log('|---|---|---|---|---|---|');
for (const instances of [100, 1000]) {
  for (const periodSeconds of [0, 300, 60]) {
    const chunks = periodSeconds === 0 ? 0 : Math.ceil((LOAD_HISTORY_DAYS * 86_400) / periodSeconds / LOAD_POINTS_PER_ITEM) + 1;
    const records = instances * instanceBytes;
    const oneQuery = units(records + itemSize(status) + chunks * chunkBytes, true);
    const threeReads = units(itemSize(status), true) + units(records, true) + units(0, true);
    const history = chunks === 0 ? '-' : String(units(chunks * chunkBytes, false));
    console.log(`| ${instances} | ${periodSeconds === 0 ? 'none (not predictive)' : `${periodSeconds} s`} | ${chunks} | ${oneQuery} | ${threeReads} | ${history} |`);
  }
}
