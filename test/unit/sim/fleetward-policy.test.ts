// fleetward in the simulator: production defaults in its config, the history it keeps, and the core's predictive path on a daily rise against target tracking.
import { describe, expect, it } from 'vitest';
import { simulate } from '../../../sim/engine.ts';
import { createPolicy } from '../../../sim/policies/index.ts';
import { validateConfig } from '../../../functions/core/config.ts';
import { simFleetConfig } from '../../../sim/policies/fleetward.ts';
import type { Demand } from '../../../sim/trace.ts';

describe("the simulator's fleetward config", () => {
  it('is production defaults plus the metric, the target, warm-up = boot + one step, and one unit serving 100%', () => {
    const fleet = simFleetConfig({ target: 0.65, stepS: 60, bootS: 120, minInstances: 1, maxInstances: 300 });
    expect(fleet.capacity).toEqual({ min: 1, max: 300 });
    expect(fleet.scaling).toEqual({
      metric: { namespace: 'Simulated', name: 'Utilisation', dimensions: {}, statistic: 'Average', periodSeconds: 60 },
      metricType: 'per-instance',
      target: 65,
      warmupSeconds: 180,
      scaleOut: { stabilizationSeconds: 0, cooldownSeconds: 0 },
      scaleIn: { stabilizationSeconds: 300, cooldownSeconds: 300 },
      scaleOutAlarms: [],
      predictive: { unitCapacity: 100, coverage: 0.993, coverageGain: 0.0003, backtestDays: 3, minHistoryHours: 4, refitMinutes: 360 },
    });
  });

  it("is a user's fleet settings with the simulated metric in place of theirs, when one is given", () => {
    const user = validateConfig({
      fleets: [
        {
          name: 'web',
          launchTemplate: { name: 'web-server' },
          subnets: ['subnet-0123456789abcdef0'],
          instanceTypes: [{ type: 'm7g.large' }],
          capacity: { min: 2, max: 30 },
          scaling: {
            metric: { namespace: 'AWS/EC2', name: 'CPUUtilization', dimensions: { InstanceId: '{instanceId}' }, statistic: 'Average' },
            metricType: 'per-instance',
            target: 55,
            warmupSeconds: 300,
            scaleIn: { stabilizationSeconds: 900, maxStep: 2 },
            scaleOutAlarms: ['web-cpu-high'],
          },
        },
      ],
    }).fleets[0];
    const fleet = simFleetConfig({ target: 0.6, stepS: 60, bootS: 120, minInstances: 1, maxInstances: 300, ...(user === undefined ? {} : { fleet: user }) });
    expect(fleet.capacity).toEqual({ min: 2, max: 30 });
    expect(fleet.scaling).toEqual({
      ...user?.scaling,
      metric: { namespace: 'Simulated', name: 'Utilisation', dimensions: {}, statistic: 'Average', periodSeconds: 60 },
      target: 60,
      scaleOutAlarms: [],
    });
  });
});

describe('fleetward on a daily rise', () => {
  // Three days: 10 instances' worth, rising to 40 at 08:00 within 5 minutes, back at 20:00.
  const values = Float64Array.from({ length: 3 * 1440 }, (_, i) => {
    const minute = i % 1440;
    if (minute < 480 || minute >= 1200) return 10;
    return minute < 485 ? 10 + 6 * (minute - 479) : 40;
  });
  const demand: Demand = { stepS: 60, values, scale: 1, peak: 40 };
  const settings = { stepS: 60, bootS: 120, instanceCapacity: 1, warmupSteps: 1440, minInstances: 1, maxInstances: 120 };
  const run = (name: 'fleetward' | 'target-tracking') => {
    const { policy, initialInstances } = createPolicy(name, 0.9, demand, settings);
    return simulate(demand, policy, settings, { initialInstances });
  };

  it('is short less than half as often as target tracking for about its cost, and holds a flat night steady', async () => {
    const fleetward = await run('fleetward');
    const tracking = await run('target-tracking');
    expect(fleetward.metrics.underTimeshare).toBeLessThan(tracking.metrics.underTimeshare / 2);
    expect(fleetward.metrics.instanceHours).toBeLessThan(tracking.metrics.instanceHours * 1.01);
    // Day 2, 00:00 to 07:50, a flat 10: at most one change of capacity. A fleet planned exactly
    // full read as saturated, scaled out, scaled back in, and did it again every few minutes.
    const night = Array.from(fleetward.supply.subarray(2 * 1440, 2 * 1440 + 470));
    expect(night.filter((supply, i) => i > 0 && supply !== night[i - 1]).length).toBeLessThanOrEqual(1);
  });
});
