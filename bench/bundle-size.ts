/**
 * Bundles the scale function the way the CDK stack does (scripts/scale-bundle.ts's options and
 * plugin; `--no-static-keys` without the plugin, to show what it saves; `--compare` imports both
 * in turn) and prints its size in bytes, raw and
 * gzipped, the packages that take the most of it, and its cold import time: a new Node process
 * importing the bundle (with the example config in a file its environment names), median and max of 15.
 * The mix's solver reads highs.wasm, shipped beside the bundle (lib/fleetward.ts): its size, and
 * the cold solve, a new process importing the bundled solver, loading HiGHS and solving a mix.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build } from 'esbuild';
import { parseConfig } from '../functions/core/config-text.ts';
import { configFileText } from '../functions/handlers/config-file.ts';
import { CONFIG_FILE_VARIABLE } from '../functions/handlers/variables.ts';
import { HIGHS_WASM } from '../lib/scale-code.ts';
import { SCALE_BUILD_OPTIONS } from '../scripts/scale-bundle.ts';

const IMPORTS = 15;
const COLD_SOLVES = 7;

const BUNDLING = { ...SCALE_BUILD_OPTIONS, write: false as const, metafile: true as const } satisfies BuildOptions;

const plugins = process.argv.includes('--no-static-keys') ? [] : BUNDLING.plugins;
const result = await build({ ...BUNDLING, plugins, entryPoints: ['functions/handlers/scale.ts'] });

const output = result.outputFiles[0];
if (output === undefined) throw new Error('esbuild produced no output');
const bytes = output.contents.byteLength;
const gzipped = gzipSync(output.contents).byteLength;
console.log(`scale function bundle: ${bytes} bytes minified, ${gzipped} bytes gzipped`);

const byPackage = new Map<string, number>();
for (const [path, input] of Object.entries(result.metafile.outputs[Object.keys(result.metafile.outputs)[0] ?? '']?.inputs ?? {})) {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  const name = match?.[1] ?? 'fleetward';
  byPackage.set(name, (byPackage.get(name) ?? 0) + input.bytesInOutput);
}
console.log('largest contributors (bytes in output):');
for (const [name, size] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 10)) {
  console.log(`  ${String(size).padStart(9)}  ${name}`);
}

const directory = mkdtempSync(join(tmpdir(), 'fleetward-bundle-'));
const bundle = join(directory, 'index.mjs');
writeFileSync(bundle, output.contents);
const configFile = join(directory, 'config.json');
writeFileSync(configFile, configFileText(parseConfig(readFileSync('fleetward.config.yaml', 'utf8'))));
const environment = {
  ...process.env,
  [CONFIG_FILE_VARIABLE]: configFile,
  FLEETWARD_TABLE_NAME: 'fleetward-bench',
  AWS_REGION: 'us-east-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};
const importMs = (file: string) =>
  Number(
    execFileSync(process.execPath, ['--input-type=module', '-e', `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t);`], {
      env: environment,
      encoding: 'utf8',
    }),
  );
const milliseconds = (value: number | undefined) => `${(value ?? Number.NaN).toFixed(0)} ms`;
const summary = (times: number[]) => {
  const sorted = [...times].sort((a, b) => a - b);
  return `median ${milliseconds(sorted[Math.floor(sorted.length / 2)])}, max ${milliseconds(sorted.at(-1))} (${sorted.length} new processes)`;
};
// With --compare, the bundle built without the schema plugin is imported in turn with this one, so both see the same load.
const unshaken = process.argv.includes('--compare') ? join(directory, 'unshaken.mjs') : undefined;
if (unshaken !== undefined) {
  const without = await build({ ...BUNDLING, plugins: [], entryPoints: ['functions/handlers/scale.ts'] });
  writeFileSync(unshaken, without.outputFiles[0]?.contents ?? '');
  console.log(`without the schema plugin: ${without.outputFiles[0]?.contents.byteLength ?? 0} bytes minified`);
}
const times: number[] = [];
const unshakenTimes: number[] = [];
for (let i = 0; i < IMPORTS; i++) {
  times.push(importMs(bundle));
  if (unshaken !== undefined) unshakenTimes.push(importMs(unshaken));
}
console.log(`cold import of the bundle: ${summary(times)}`);
if (unshaken !== undefined) console.log(`cold import without the schema plugin, in turn: ${summary(unshakenTimes)}`);

// The solver as the bundle runs it: bundled, with highs.wasm beside it, in a new process each time.
copyFileSync(HIGHS_WASM, join(directory, 'highs.wasm'));
console.log(`highs.wasm beside the bundle: ${statSync(HIGHS_WASM).size} bytes, ${gzipSync(readFileSync(HIGHS_WASM)).byteLength} bytes gzipped`);
const solverProbe = `
import { loadHighsSolver } from './functions/solver/highs-solver.ts';
import { solveMix } from './functions/control/solve-mix.ts';
const started = performance.now();
const solver = await loadHighsSolver();
const loaded = performance.now();
const offers = ['a', 'b', 'c'].flatMap((zone) => ['m7g.large', 'm6g.large', 'c7g.large', 'r7g.large'].map((type, i) => ({ type, zone: 'us-east-1' + zone, weight: 1, onDemandPerHour: 0.08 + i / 100, spotPerHour: 0.03 + i / 200 })));
const policy = { onDemandBaseUnits: 4, maxSpotShare: 0.7, maxTypeShare: 0.5, maxTypeZoneShare: 0.25, zoneBalance: 'best-effort', useReservations: true };
const decision = solveMix({ neededUnits: 40, offers, exclusions: [], reservations: [], policy, nowMs: 0 }, solver);
if (!decision.feasible) throw new Error(decision.reason);
console.log(JSON.stringify({ load: loaded - started, solve: performance.now() - loaded }));
`;
const solverBundle = await build({ ...BUNDLING, stdin: { contents: solverProbe, resolveDir: process.cwd(), loader: 'ts' } });
const solverFile = join(directory, 'solver.mjs');
writeFileSync(solverFile, solverBundle.outputFiles[0]?.contents ?? '');
const solves = Array.from({ length: COLD_SOLVES }, () => JSON.parse(execFileSync(process.execPath, [solverFile], { encoding: 'utf8' })) as { load: number; solve: number });
rmSync(directory, { recursive: true, force: true });
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(
  `cold mix solve (40 units, 4 types x 3 zones, on-demand and Spot): loading HiGHS median ${milliseconds(median(solves.map((s) => s.load)))}, ` +
    `first solve median ${milliseconds(median(solves.map((s) => s.solve)))} (${COLD_SOLVES} new processes)`,
);
