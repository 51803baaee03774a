/**
 * The fault suite: a scaling scenario through the real handler on the emulator with faults
 * injected into every SDK call at 10% and 30% of attempts. Nothing escapes the handler, no event
 * is a false duplicate, no alert lacks an injected cause, the fleet converges within 2 clean
 * steps, and churn is no worse than without faults. bench:faults runs it over 100 steps.
 */
import { describe, expect, it } from 'vitest';
import { runFaultScenario } from '../fakes/fault-scenario.ts';

const STEPS = 20;

describe('a scaling scenario under injected SDK faults', () => {
  it('holds at 10% and 30% of attempts failing', { timeout: 600_000 }, async () => {
    const clean = await runFaultScenario(0, STEPS);
    const faulty = [await runFaultScenario(0.1, STEPS), await runFaultScenario(0.3, STEPS)];

    expect(clean).toMatchObject({ faultsInjected: 0, escaped: 0, falseDuplicates: 0, alerts: 0, stepsToConverge: 1 });
    for (const run of faulty) {
      expect(run.faultsInjected).toBeGreaterThan(0);
      expect(run).toMatchObject({ escaped: 0, falseDuplicates: 0, falseAlerts: [] });
      expect(run.stepsToConverge).toBeLessThanOrEqual(2);
      expect(run.launched + run.terminated).toBeLessThanOrEqual(clean.launched + clean.terminated);
    }
  });
});
