/**
 * Bundles the scale function the way the CDK stack does (esbuild, ESM, module entry points
 * first, minified, Node 22, every dependency included) and prints its size in bytes, raw and
 * gzipped, and the packages that take the most of it.
 */
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

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
