/**
 * `npm run build`: compiles the construct's and the CLI's import graphs (lib/index.ts,
 * bin/fleetward.ts) to JavaScript with declarations in dist/, the CLI run by Node itself, with every relative `.ts` specifier rewritten to `.js` (tsc rewrites the
 * JavaScript; this rewrites the declarations), and prebuilds the scale function's bundle into
 * dist/lambda/scale, which the construct deploys when it runs from the package.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCALE_BUNDLE_DIRECTORY } from '../lib/scale-code.ts';
import { bundleScaleFunction } from './scale-bundle.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
/** A relative module specifier ending in .ts, in `from '…'`, `import('…')` or `import '…'`. */
const RELATIVE_TS_SPECIFIER = /((?:from\s+|import\s*\(\s*|import\s+)['"]\.{1,2}\/[^'"]*?)\.ts(['"])/g;

function declarationFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.d.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

rmSync(dist, { recursive: true, force: true });
execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
for (const file of declarationFiles(dist)) {
  const text = readFileSync(file, 'utf8');
  const rewritten = text.replace(RELATIVE_TS_SPECIFIER, '$1.js$2');
  if (rewritten !== text) writeFileSync(file, rewritten);
}
const cli = join(dist, 'bin', 'fleetward.js');
writeFileSync(cli, readFileSync(cli, 'utf8').replace(/^#!.*\n/, '#!/usr/bin/env node\n'));
chmodSync(cli, 0o755);
await bundleScaleFunction(join(dist, SCALE_BUNDLE_DIRECTORY));
console.log(`built ${dist}`);
