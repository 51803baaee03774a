// The fleet's mix section: absent by default, defaults when empty, and every bad field named at once;
// and rightsizing.inMaintenanceWindow beside it.
import { describe, expect, it } from 'vitest';
import { ConfigError, validateConfig } from '../../../functions/core/config.ts';
import { mixPolicy } from '../../../functions/core/mix/config.ts';

const fleet = (extra: Record<string, unknown>) => ({
  name: 'web',
  launchTemplate: { id: 'lt-0123456789abcdef0' },
  subnets: ['subnet-0a'],
  instanceTypes: [{ type: 'm7g.large' }],
  capacity: { min: 1, max: 10 },
  scaling: { metric: { namespace: 'AWS/SQS', name: 'Depth', statistic: 'Sum' }, metricType: 'total', target: 100 },
  ...extra,
});

function problemsOf(input: unknown): readonly string[] {
  try {
    validateConfig(input);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError, but the config was accepted');
}

describe('fleets[].mix', () => {
  it('is absent unless written: the fleet launches as before', () => {
    expect(validateConfig({ fleets: [fleet({})] }).fleets[0]?.mix).toBeUndefined();
  });

  it('takes its defaults when empty: on-demand only, no caps, best-effort balance, reservations and AWS prices', () => {
    const mix = validateConfig({ fleets: [fleet({ mix: {} })] }).fleets[0]?.mix;
    expect(mix).toEqual({
      onDemandBase: 0,
      maxSpotShare: 0,
      maxTypeShare: 1,
      maxTypeZoneShare: 1,
      zoneBalance: 'best-effort',
      useReservations: true,
      reservations: { platform: 'Linux/UNIX', tenancy: 'default' },
      prices: { source: 'aws', onDemandMaxAgeHours: 24, spotMaxAgeMinutes: 60 },
    });
    expect(mix && mixPolicy(mix)).toEqual({ onDemandBaseUnits: 0, maxSpotShare: 0, maxTypeShare: 1, maxTypeZoneShare: 1, zoneBalance: 'best-effort', useReservations: true });
  });

  it('names every bad field at once', () => {
    const mix = { onDemandBase: -1, maxSpotShare: 1.5, maxTypeShare: 0, zoneBalance: 'even', prices: { source: 'guess', spotMaxAgeMinutes: 1 }, reservations: { tenancy: 'host' }, spot: true };
    expect([...problemsOf({ fleets: [fleet({ mix })] })].sort()).toEqual([
      'fleets[0].mix.maxSpotShare: Too big: expected number to be <=1',
      'fleets[0].mix.maxTypeShare: Too small: expected number to be >0',
      'fleets[0].mix.onDemandBase: Too small: expected number to be >=0',
      'fleets[0].mix.prices.source: Invalid option: expected one of "aws"|"table"',
      'fleets[0].mix.prices.spotMaxAgeMinutes: Too small: expected number to be >=5',
      'fleets[0].mix.reservations.tenancy: Invalid option: expected one of "default"|"dedicated"',
      'fleets[0].mix.spot: unknown field',
      'fleets[0].mix.zoneBalance: Invalid option: expected one of "balanced-only"|"best-effort"',
    ]);
  });
});

describe('fleets[].rightsizing.inMaintenanceWindow', () => {
  it('defaults to false (a fleet of more than one replaces at any time) and must be a boolean, named', () => {
    expect(validateConfig({ fleets: [fleet({ rightsizing: {} })] }).fleets[0]?.rightsizing?.inMaintenanceWindow).toBe(false);
    expect(problemsOf({ fleets: [fleet({ rightsizing: { inMaintenanceWindow: 'yes' } })] })).toEqual(['fleets[0].rightsizing.inMaintenanceWindow: Invalid input: expected boolean, received string']);
  });
});
