/** How `fleetward history` shows a heartbeat entry beside an ordinary one. */
import { describe, expect, it } from 'vitest';
import { renderDecision } from '../../bin/commands/history.ts';
import type { DecisionEntry } from '../../functions/ports/index.ts';

const AT = Date.UTC(2026, 11, 1, 20, 0, 0);
const entry: DecisionEntry = {
  step: 12,
  atMs: AT,
  trigger: 'schedule',
  decision: { desiredCapacity: 4, direction: 'hold', reason: 'hold at 4: cpu = 50 recommends 4', notes: [], dryRun: false },
  metric: { kind: 'value', value: 50, timestampMs: AT, label: 'cpu' },
  actions: [],
};

describe('renderDecision', () => {
  it('shows an ordinary entry without a heartbeat line', () => {
    expect(renderDecision(entry)).toBe('step 12  2026-12-01T20:00:00Z  schedule  desired 4\n  hold at 4: cpu = 50 recommends 4');
  });

  it('shows a heartbeat with the step and time nothing changed since', () => {
    expect(renderDecision({ ...entry, unchanged: { sinceStep: 9, sinceMs: AT - 30 * 60_000 } })).toBe(
      [
        'steps unchanged since step 9 (2026-12-01T19:30:00Z): not recorded, this one is their heartbeat',
        'step 12  2026-12-01T20:00:00Z  schedule  desired 4',
        '  hold at 4: cpu = 50 recommends 4',
      ].join('\n'),
    );
  });
});
