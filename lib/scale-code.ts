/**
 * Where the scale function's code comes from: the bundle prebuilt into the package (`npm run
 * build` writes it to dist/lambda/scale), or, from the TypeScript sources, the same build
 * (scripts/scale-bundle.ts) run at synthesis. Both ship highs.wasm beside the bundle.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import * as lambda from 'aws-cdk-lib/aws-lambda';

/** The handler module, relative to the repository root. */
export const SCALE_ENTRY_SOURCE = 'functions/handlers/scale.ts';
/** Where the package build writes the bundle, relative to dist/. */
export const SCALE_BUNDLE_DIRECTORY = 'lambda/scale';
/** The bundle's file name: Lambda loads `index.mjs` as an ES module for the handler `index.handler`. */
export const SCALE_BUNDLE_FILE = 'index.mjs';

const PREBUILT = fileURLToPath(new URL(`../${SCALE_BUNDLE_DIRECTORY}/`, import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Builds the bundle from the sources (esbuild with the SDK schema plugin, which NodejsFunction cannot run). */
const BUNDLE_SCRIPT = 'scripts/scale-bundle.ts';

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
  return new lambda.Function(scope, id, {
    ...settings,
    handler: `index.${exported}`,
    code: lambda.Code.fromAsset(ROOT, {
      assetHashType: AssetHashType.OUTPUT,
      bundling: {
        // Required by the API, never run: the local build either succeeds or throws.
        image: DockerImage.fromRegistry('node:22-slim'),
        local: { tryBundle: bundleLocally },
      },
    }),
  });
}

/** Runs the bundle script in this checkout: its dependencies are installed here. */
function bundleLocally(outputDirectory: string): boolean {
  execFileSync(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, BUNDLE_SCRIPT), outputDirectory], { cwd: ROOT, stdio: 'inherit' });
  return true;
}
