/**
 * The CLI's errors an operator can fix name what to fix: a table that is not in the region, a
 * region that is not set; and `--version` prints the package's version.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunOptions, run } from '../../bin/fleetward.ts';
import { FleetHarness } from './harness.ts';

async function invoke(argv: readonly string[], options: RunOptions = {}) {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, { stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text) }, options);
  return { code, stdout, stderr };
}

const region = process.env.AWS_REGION;
afterEach(() => {
  process.env.AWS_REGION = region;
});

describe('fleetward CLI errors', () => {
  it('names the table and the region when the table does not exist', async () => {
    const fleet = await FleetHarness.create();
    const result = await invoke(['status', '--table', 'no-such-table'], { config: fleet.config, env: {} });
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr:
        "error: table no-such-table does not exist in us-east-1: check --table (or FLEETWARD_TABLE_NAME, the stack's TableName output) and AWS_REGION\n",
    });
  });

  it('says to set a region when none is configured', async () => {
    const fleet = await FleetHarness.create();
    delete process.env.AWS_REGION;
    const result = await invoke(['history', fleet.name, '--table', fleet.tableName], { config: fleet.config, env: {} });
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: no AWS region is configured: set AWS_REGION (or use a profile that has a region) to the region fleetward is deployed in\n',
    });
  });

  it('prints its version', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(await invoke(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });
});
