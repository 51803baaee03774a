// The scale function's asset when the stack synthesizes from the sources with bundling on: the
// same build as the package's (scripts/scale-bundle.ts), so the bundle is under 1.5 MB, with its
// map and highs.wasm beside it, and the template's handler is its `handler` export.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { FleetwardStack } from '../../lib/fleetward-stack.ts';
import { exampleConfig } from './synth.ts';

const outdir = mkdtempSync(join(tmpdir(), 'fleetward-asset-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('the scale function asset from the sources', () => {
  it('is the bundle under 1.5 MB, its map and highs.wasm', () => {
    const app = new App({ outdir });
    const stack = new FleetwardStack(app, 'Fleetward', { config: exampleConfig });
    const template = Template.fromStack(stack);
    app.synth();
    const [scale] = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler' } })) as { Properties: { Code: { S3Key: string } } }[];
    const asset = join(outdir, `asset.${scale?.Properties.Code.S3Key.replace(/\.zip$/, '') ?? ''}`);
    expect(readdirSync(asset).sort()).toEqual(['highs.wasm', 'index.mjs', 'index.mjs.map']);
    expect(statSync(join(asset, 'index.mjs')).size).toBeLessThan(1_500_000);
  }, 180_000);
});
