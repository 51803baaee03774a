// Pins the order of a step's executors: records first, instances only after re-validation, dry-run settling only.
import { describe, expect, it } from 'vitest';
import { EXECUTORS } from '../../../functions/control/executors/index.ts';

describe('EXECUTORS', () => {
  it('settles, keeps the records, then acts on instances, registering last', () => {
    expect(EXECUTORS.map((e) => [e.name, e.inDryRun, e.changesInstances])).toEqual([
      ['settle', true, false],
      ['forget', false, false],
      ['track', false, false],
      ['adopt', false, false],
      ['failover', false, true],
      ['pool', false, true],
      ['launch', false, true],
      ['advance', false, true],
      ['register', false, true],
    ]);
  });
});
