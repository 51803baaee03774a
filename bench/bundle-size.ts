/**
 * Bundles the scale function the way the CDK stack does (esbuild, ESM, module entry points
 * first, minified, Node 22, every dependency included) and prints its size in bytes, raw and
 * gzipped, the packages that take the most of it, and its cold import time: a new Node process
 * importing the bundle (with the example config in its environment), median and max of 15.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { parseConfig } from '../functions/core/config-text.ts';
import { CONFIG_VARIABLE, encodeConfig } from '../functions/handlers/config-environment.ts';

const IMPORTS = 15;

const result = await build({
  entryPoints: ['functions/handlers/scale.ts'],
  bundle: true,
  minify: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  mainFields: ['module', 'main'],
  write: false,
  metafile: true,
  banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
});

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
const environment = {
  ...process.env,
  [CONFIG_VARIABLE]: encodeConfig(parseConfig(readFileSync('fleetward.config.yaml', 'utf8'))),
  FLEETWARD_TABLE_NAME: 'fleetward-bench',
  AWS_REGION: 'us-east-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};
const probe = `const t = performance.now(); await import(${JSON.stringify(bundle)}); console.log(performance.now() - t);`;
const times = Array.from({ length: IMPORTS }, () =>
  Number(execFileSync(process.execPath, ['--input-type=module', '-e', probe], { env: environment, encoding: 'utf8' })),
).sort((a, b) => a - b);
rmSync(directory, { recursive: true, force: true });
const milliseconds = (value: number | undefined) => `${(value ?? Number.NaN).toFixed(0)} ms`;
console.log(`cold import of the bundle: median ${milliseconds(times[Math.floor(IMPORTS / 2)])}, max ${milliseconds(times.at(-1))} (${IMPORTS} new processes)`);
