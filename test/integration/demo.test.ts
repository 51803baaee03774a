/** The `npm start` demo scales its fleet out and back in against the emulator. */
import { expect, it } from 'vitest';
import { demoLoad, runDemo } from '../../dev/demo.ts';

// Late in a LocalStack run, with every earlier file's instances still there, a step's scans take minutes.
it('scales the demo fleet both ways and reports every step', { timeout: 600_000 }, async () => {
  const lines: string[] = [];
  const summary = await runDemo({ steps: 20, intervalMs: 0, print: (line) => lines.push(line) });

  expect(summary.steps).toBe(20);
  expect(summary.launched).toBeGreaterThan(5);
  expect(summary.terminated).toBeGreaterThan(5);
  expect(lines).toHaveLength(21);
  expect(lines.slice(1).every((line) => /^\[ *t\+\d+m\] load +\d+\/min {2}desired +\d+ {2}running +\d+ .+(hold|scale)/.test(line))).toBe(true);
  expect(lines.some((line) => line.includes('scale out'))).toBe(true);
  expect(lines.some((line) => line.includes('scale in'))).toBe(true);
});

it('shapes the demo load as one peak followed by quiet', () => {
  expect(demoLoad(0, 20)).toBe(80);
  expect(demoLoad(5, 20)).toBe(980);
  expect(demoLoad(15, 20)).toBe(80);
});
