/**
 * The scale function's bundle, built the one way every path uses (`npm run build`, a synthesis
 * from the sources, the bundle-size bench): esbuild, ESM, module entry points first, minified,
 * Node 22, every dependency included, highs.wasm copied beside it. Run as a script, it writes the
 * bundle into the directory given as its argument.
 *
 * The AWS SDK's generated schema modules key some shapes by a module constant (`{ [_xN]: _m }`);
 * esbuild keeps any declaration whose initializer has a computed key, and what it references, so
 * nearly every EC2 shape stayed in the bundle whether used or not. `staticSchemaKeys` writes those
 * keys as the string literals the constants hold (the same objects), so unused shapes are dropped.
 */
import { copyFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BuildOptions, type Plugin, build } from 'esbuild';
import { HIGHS_WASM, SCALE_BUNDLE_FILE, SCALE_ENTRY_SOURCE } from '../lib/scale-code.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** An SDK client's generated schema module. */
const SCHEMA_MODULE = /@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/;
/** A module-level string constant, as the SDK's generator writes them: `const _xN = "xmlName";`. */
const STRING_CONSTANT = /^const (_\w+) = ("[^"\\\n]*");$/gm;
/** A computed object key naming one such constant: `[_xN]:`. */
const COMPUTED_KEY = /\[(_\w+)\]:/g;

/** The schema module's text with each computed key on a known string constant written as that string. */
export function withStaticKeys(text: string): string {
  const strings = new Map([...text.matchAll(STRING_CONSTANT)].map((m) => [m[1] ?? '', m[2] ?? '']));
  return text.replace(COMPUTED_KEY, (key, name: string) => {
    const value = strings.get(name);
    return value === undefined ? key : `${value}:`;
  });
}

/** Lets esbuild drop the SDK schemas the function does not use. */
export const staticSchemaKeys: Plugin = {
  name: 'static-schema-keys',
  setup(builder) {
    builder.onLoad({ filter: SCHEMA_MODULE }, async (args) => ({ contents: withStaticKeys(await readFile(args.path, 'utf8')), loader: 'js' }));
  },
};

/** esbuild's options for the scale function (entry and output aside). */
export const SCALE_BUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  mainFields: ['module', 'main'],
  banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
  minify: true,
  plugins: [staticSchemaKeys],
} satisfies BuildOptions;

/** Writes index.mjs, its source map and highs.wasm into `directory`. */
export async function bundleScaleFunction(directory: string): Promise<void> {
  await build({
    ...SCALE_BUILD_OPTIONS,
    entryPoints: [join(ROOT, SCALE_ENTRY_SOURCE)],
    outfile: join(directory, SCALE_BUNDLE_FILE),
    sourcemap: true,
    sourcesContent: false,
    logLevel: 'warning',
  });
  copyFileSync(join(ROOT, HIGHS_WASM), join(directory, 'highs.wasm'));
}

const invokedAsScript = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedAsScript) {
  const directory = process.argv[2];
  if (directory === undefined) throw new Error('usage: tsx scripts/scale-bundle.ts <output directory>');
  await bundleScaleFunction(directory);
}
