// Where a failover's replacement goes in a fleet with a mix: the first cell the fleet is short of
// without the failed instance, in a zone it may use, never a failed Spot instance's own Spot cell,
// with the reason's words; none when the mix is infeasible or every short cell is ruled out.
import { describe, expect, it } from 'vitest';
import { type FailoverCellInput, failoverCell } from '../../../functions/core/mix/failover-cell.ts';
import type { MixView } from '../../../functions/core/mix/view.ts';

const VIEW: MixView = {
  decision: {
    feasible: true,
    allocations: [
      { type: 'm7g.large', zone: 'us-east-1a', market: 'spot', count: 1, units: 1, perHour: 0.025 },
      { type: 'm7g.large', zone: 'us-east-1b', market: 'spot', count: 1, units: 1, perHour: 0.03 },
    ],
    units: 2,
    costPerHour: 0.055,
    lowerBoundPerHour: 0.055,
    gap: 0,
    binding: [],
    reason: 'mix for 2 units',
  },
  offers: [
    { type: 'm7g.large', zone: 'us-east-1a', weight: 1, onDemandPerHour: 0.0816, spotPerHour: 0.025 },
    { type: 'm7g.large', zone: 'us-east-1b', weight: 1, onDemandPerHour: 0.0816, spotPerHour: 0.03 },
  ],
  exclusions: [],
  notes: [],
};
const BOTH = new Set(['us-east-1a', 'us-east-1b']);
const onDemandIn = (zone: string) => ({ instanceType: 'm7g.large', availabilityZone: zone, units: 1 });
const spotIn = (zone: string) => ({ ...onDemandIn(zone), market: 'spot' as const });
const SUMMARY = 'mix $0.0550/h for 2 units (LP bound $0.0550/h, gap 0, proven optimal)';

describe('failoverCell', () => {
  it.each<[string, FailoverCellInput, string | undefined]>([
    ['the first short cell, in the mix order', { view: VIEW, remaining: [onDemandIn('us-east-1b')], zones: BOTH }, `m7g.large spot us-east-1a: as a m7g.large spot, where the mix wants 1 and 0 run (${SUMMARY})`],
    ['a cell the fleet already fills is passed over', { view: VIEW, remaining: [spotIn('us-east-1a')], zones: BOTH }, `m7g.large spot us-east-1b: as a m7g.large spot, where the mix wants 1 and 0 run (${SUMMARY})`],
    ['a degraded zone is passed over', { view: VIEW, remaining: [], zones: new Set(['us-east-1b']) }, `m7g.large spot us-east-1b: as a m7g.large spot, where the mix wants 1 and 0 run (${SUMMARY})`],
    ['a failed Spot instance\'s own cell is passed over', { view: VIEW, remaining: [spotIn('us-east-1b')], zones: BOTH, avoid: 'm7g.large spot in us-east-1a' }, undefined],
    ['an infeasible mix chooses nothing', { view: { ...VIEW, decision: { feasible: false, reason: 'infeasible: no offer' } }, remaining: [], zones: BOTH }, undefined],
  ])('%s', (_name, input, expected) => {
    const chosen = failoverCell(input);
    expect(chosen === undefined ? undefined : `${chosen.cell.type} ${chosen.cell.market} ${chosen.cell.zone}: ${chosen.why}`).toBe(expected);
  });
});
