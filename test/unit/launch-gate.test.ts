// Checks that no launch path can bypass the image gate: the compute port's launch is called in one
// place only, launchAndRecord (functions/control/journal.ts), which runs the gate before it, and
// RunInstances is sent only by the compute adapter that implements that port.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SOURCES = ['functions', 'sim', 'bin'];
const LAUNCH_CALL = /\bcompute\s*\.\s*launch\s*\(/;
const GATE_CALL = /const gate = await gateLaunch\(acting, command\.imageId\);\s*const gated = [^;]+;\s*const result = await deps\.compute\.launch\(\{ fleet, command: gated/;

const filesMatching = (pattern: RegExp) =>
  SOURCES.flatMap((dir) => sourceFiles(join(ROOT, dir)))
    .filter((file) => pattern.test(readFileSync(file, 'utf8')))
    .map((file) => relative(ROOT, file));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('the image gate on every launch path', () => {
  it('has the compute port launch only from launchAndRecord, right after the gate', () => {
    expect(filesMatching(LAUNCH_CALL)).toEqual(['functions/control/journal.ts']);
    expect(readFileSync(join(ROOT, 'functions/control/journal.ts'), 'utf8')).toMatch(GATE_CALL);
  });

  it('sends RunInstances only from the compute adapter', () => {
    expect(filesMatching(/\bRunInstancesCommand\b/)).toEqual(['functions/aws/ec2-compute.ts']);
  });
});
