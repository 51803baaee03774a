/**
 * Runs a benchmark compiled: bundles bench/<name>.ts with esbuild next to it (bench/<name>.compiled.mjs)
 * and runs that with node, passing the arguments on. A benchmark that runs the control step millions
 * of times measures the product's code, not tsx's on-the-fly transform (about a fifth slower).
 */
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const [name, ...args] = process.argv.slice(2);
if (name === undefined) throw new Error('usage: tsx bench/compiled.ts <benchmark> [arguments]');
const here = dirname(fileURLToPath(import.meta.url));
const outfile = join(here, `${name}.compiled.mjs`);
await build({
  entryPoints: [resolve(here, `${name}.ts`)],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  logLevel: 'warning',
});
const run = spawnSync(process.execPath, [outfile, ...args], { stdio: 'inherit' });
process.exitCode = run.status ?? 1;
