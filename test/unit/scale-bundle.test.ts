// The scale function's bundle: the SDK schema keys written as literals (the same objects, so
// unused shapes can be dropped), and the bundle under 1.5 MB with every SDK client it uses.
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { SCALE_BUILD_OPTIONS, withStaticKeys } from '../../scripts/scale-bundle.ts';

describe('withStaticKeys', () => {
  it.each([
    ['a known constant', 'const _xN = "xmlName";\nexport var A$ = [1, { [_xN]: _m }];', 'const _xN = "xmlName";\nexport var A$ = [1, { "xmlName": _m }];'],
    ['an unknown name', 'export var A$ = [1, { [_other]: 1 }];', 'export var A$ = [1, { [_other]: 1 }];'],
    ['a constant that is not a plain string', 'const _n = 1;\nexport var A$ = { [_n]: 2 };', 'const _n = 1;\nexport var A$ = { [_n]: 2 };'],
  ])('rewrites %s as expected', (_case, text, expected) => {
    expect(withStaticKeys(text)).toBe(expected);
  });

  it('builds the same objects', () => {
    const text = 'const _eQN = "ec2QueryName";\nconst _xN = "xmlName";\nreturn [{ [_eQN]: `Min`, [_xN]: _eQN }];';
    expect(new Function(withStaticKeys(text))()).toEqual(new Function(text)());
  });
});

describe('the scale function bundle', () => {
  it('is under 1.5 MB, with the EC2 client but not its unused shapes', async () => {
    const result = await build({ ...SCALE_BUILD_OPTIONS, entryPoints: ['functions/handlers/scale.ts'], write: false, metafile: true });
    const [output] = result.outputFiles;
    expect(output?.contents.byteLength).toBeLessThan(1_500_000);
    const inputs = Object.values(result.metafile.outputs)[0]?.inputs ?? {};
    const ec2Schemas = inputs['node_modules/@aws-sdk/client-ec2/dist-es/schemas/schemas_0.js']?.bytesInOutput ?? 0;
    expect(ec2Schemas).toBeGreaterThan(0);
    expect(ec2Schemas).toBeLessThan(200_000);
    expect(output?.text).toContain('DescribeInstances');
    expect(output?.text).not.toContain('WithdrawByoipCidrRequest');
  }, 60_000);
});
