// A fleet's mix problem takes the open reservations the shell read only where the fleet has an
// offer (its listed, priced types in its zones) and something is available.
import { describe, expect, it } from 'vitest';
import { mixConfigSchema } from '../../../functions/core/mix/config.ts';
import { fleetMixProblem } from '../../../functions/core/mix/fleet-problem.ts';
import type { TypePrices } from '../../../functions/core/mix/price-choice.ts';

const priced = (perHour: number): TypePrices => ({ onDemand: { perHour, source: 'test', ageMs: 0 }, spot: new Map() });

describe('fleetMixProblem', () => {
  it('keeps the reservations of offered type+zones with instances available', () => {
    const { problem } = fleetMixProblem({
      mix: mixConfigSchema.parse({}),
      instanceTypes: [{ type: 'm7g.large', weight: 1 }, { type: 'c7g.large', weight: 1 }],
      zones: ['us-east-1a', 'us-east-1b'],
      prices: new Map([['m7g.large', priced(0.0816)]]),
      exclusions: [],
      reservations: [
        { type: 'm7g.large', zone: 'us-east-1a', available: 2 },
        { type: 'm7g.large', zone: 'us-east-1c', available: 1 },
        { type: 'c7g.large', zone: 'us-east-1a', available: 1 },
        { type: 'm7g.large', zone: 'us-east-1b', available: 0 },
      ],
      neededUnits: 4,
      nowMs: 0,
    });
    expect(problem.reservations).toEqual([{ type: 'm7g.large', zone: 'us-east-1a', available: 2 }]);
  });
});
