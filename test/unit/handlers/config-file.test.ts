// The config file the functions read at a cold start: validated again, and every failure names the file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFileText, readConfigFile } from '../../../functions/handlers/config-file.ts';
import { validateConfig } from '../../../functions/core/config.ts';
import { rawConfigWith } from '../fixtures.ts';

const directory = mkdtempSync(join(tmpdir(), 'fleetward-config-file-'));
const fileWith = (name: string, text: string) => {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
};

describe('readConfigFile', () => {
  it('reads back the config the construct writes', () => {
    const config = validateConfig(rawConfigWith({}));
    expect(readConfigFile(fileWith('good.json', configFileText(config)))).toEqual(config);
  });

  it('names the file when it is missing, not JSON, or not a valid config', () => {
    const missing = join(directory, 'missing.json');
    expect(() => readConfigFile(missing)).toThrow(`${missing} is invalid (1 problem):\n  - cannot be read: ENOENT`);
    const broken = fileWith('broken.json', '{"fleets": [');
    expect(() => readConfigFile(broken)).toThrow(`${broken} is invalid (1 problem):\n  - is not valid JSON:`);
    const wrong = fileWith('wrong.json', '{"fleets": []}');
    expect(() => readConfigFile(wrong)).toThrow(`${wrong} is invalid`);
  });
});
