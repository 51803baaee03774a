/**
 * Where the scale function's code comes from: the bundle prebuilt into the package (`npm run
 * build` writes it to dist/lambda/scale), or, from the TypeScript sources, NodejsFunction
 * bundling them at synthesis. Both use the same esbuild options, and both ship highs.wasm beside
 * the bundle.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Construct } from 'constructs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';

/** The handler module, relative to the repository root. */
export const SCALE_ENTRY_SOURCE = 'functions/handlers/scale.ts';
/** Where the package build writes the bundle, relative to dist/. */
export const SCALE_BUNDLE_DIRECTORY = 'lambda/scale';
/** The bundle's file name: Lambda loads `index.mjs` as an ES module for the handler `index.handler`. */
export const SCALE_BUNDLE_FILE = 'index.mjs';

/** esbuild's options for the scale function, in NodejsFunction's names; every dependency bundled. */
export const SCALE_BUNDLING = {
  format: nodejs.OutputFormat.ESM,
  target: 'node22',
  mainFields: ['module', 'main'],
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  externalModules: [],
} satisfies nodejs.BundlingOptions;

const PREBUILT = fileURLToPath(new URL(`../${SCALE_BUNDLE_DIRECTORY}/`, import.meta.url));
const SOURCE_ENTRY = fileURLToPath(new URL(`../${SCALE_ENTRY_SOURCE}`, import.meta.url));
const LOCK_FILE = fileURLToPath(new URL('../package-lock.json', import.meta.url));

/** HiGHS's WebAssembly, relative to the project root: the mix's solver reads it beside the bundle (new URL('highs.wasm', import.meta.url)). */
export const HIGHS_WASM = 'node_modules/highs/build/highs.wasm';

/** Settings of the scale function other than its code. */
export type ScaleFunctionSettings = Omit<lambda.FunctionProps, 'code' | 'handler'>;

/** Whether this module runs from the built package, next to the prebuilt bundle. */
function hasPrebuiltBundle(): boolean {
  return existsSync(join(PREBUILT, SCALE_BUNDLE_FILE));
}

/** The entry module's exports: the scale function's handler, and the dispatcher's. */
export type ScaleCodeHandler = 'handler' | 'dispatch';

/** A function of the scale code (the scale function or the dispatcher), with the prebuilt bundle as its asset when there is one, else bundled from the sources. */
export function newScaleFunction(scope: Construct, id: string, exported: ScaleCodeHandler, settings: ScaleFunctionSettings): lambda.Function {
  if (hasPrebuiltBundle()) {
    return new lambda.Function(scope, id, { ...settings, code: lambda.Code.fromAsset(PREBUILT), handler: `index.${exported}` });
  }
  return new nodejs.NodejsFunction(scope, id, {
    ...settings,
    entry: SOURCE_ENTRY,
    handler: exported,
    depsLockFilePath: LOCK_FILE,
    bundling: {
      ...SCALE_BUNDLING,
      commandHooks: {
        beforeBundling: () => [],
        beforeInstall: () => [],
        afterBundling: (inputDir: string, outputDir: string) => [`cp "${inputDir}/${HIGHS_WASM}" "${outputDir}/highs.wasm"`],
      },
    },
  });
}
