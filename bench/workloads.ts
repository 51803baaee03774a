/**
 * `npm run bench:workloads`: writes the seeded synthetic workloads (sim/workloads.ts) as a trace
 * directory (CSV files and a manifest, as ../shared/traces has) under out/workloads, for
 * `bench:policies` to run every policy over (FLEETWARD_TRACES=out/workloads). Seeds: `--seeds 1,2`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { traceCsv, workloads } from '../sim/workloads.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = resolve(ROOT, 'out/workloads');

function seedsOf(args: readonly string[]): number[] {
  const at = args.indexOf('--seeds');
  const text = at === -1 ? '1,2' : (args[at + 1] ?? '');
  const seeds = text.split(',').map(Number);
  if (seeds.some((seed) => !Number.isInteger(seed) || seed < 0)) throw new Error(`--seeds must be comma-separated non-negative integers, got "${text}"`);
  return seeds;
}

mkdirSync(OUT, { recursive: true });
const manifest = workloads(seedsOf(process.argv.slice(2))).map(({ name, shape, trace }) => {
  const file = `${name}.csv`;
  writeFileSync(join(OUT, file), traceCsv(trace));
  return { name, shape, file, step_s: trace.stepS, points: trace.times.length, license: 'generated (sim/workloads.ts)' };
});
writeFileSync(join(OUT, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
process.stderr.write(`bench:workloads: ${manifest.length} traces in ${OUT}\n`);
