// Scale-in victims chosen in O(n log n): the same victims, in the same order and with the same
// reasons, as the plain definition (sort the fitting candidates again for every victim), on random
// fleets with ties, weights, protection, impaired and pending instances.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Member, type Victim, selectVictims } from '../../functions/core/placement.ts';
import { observedInstance } from './fixtures.ts';

/** The definition: each victim is the first of the fitting candidates by class, zone size, age and id. */
function definedVictims(members: readonly Member[], surplusUnits: number): Victim[] {
  const perZone = new Map<string, number>();
  for (const m of members) perZone.set(m.availabilityZone, (perZone.get(m.availabilityZone) ?? 0) + 1);
  let candidates = members.filter((m) => !m.protected);
  const victims: Victim[] = [];
  let remaining = surplusUnits;
  const zoneCount = (m: Member) => perZone.get(m.availabilityZone) ?? 0;
  const rank = (m: Member) => [m.health === 'impaired' ? 0 : 1, m.state === 'pending' ? 0 : 1, -zoneCount(m), m.launchedAtMs];
  const order = (a: Member, b: Member) => {
    const [ra, rb] = [rank(a), rank(b)];
    for (let i = 0; i < ra.length; i += 1) if ((ra[i] ?? 0) !== (rb[i] ?? 0)) return (ra[i] ?? 0) - (rb[i] ?? 0);
    return a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0;
  };
  for (;;) {
    const chosen = candidates.filter((m) => m.units <= remaining).sort(order)[0];
    if (remaining <= 0 || chosen === undefined) return victims;
    const why =
      chosen.health === 'impaired'
        ? 'its status checks are impaired'
        : chosen.state === 'pending'
          ? 'it is still pending'
          : zoneCount(chosen) > Math.min(...perZone.values())
            ? `${chosen.availabilityZone} has the most instances (${zoneCount(chosen)})`
            : 'it is the oldest in a balanced fleet';
    victims.push({ instanceId: chosen.instanceId, why });
    perZone.set(chosen.availabilityZone, zoneCount(chosen) - 1);
    remaining -= chosen.units;
    candidates = candidates.filter((m) => m !== chosen);
  }
}

const memberArbitrary = fc.record({
  zone: fc.constantFrom('us-east-1a', 'us-east-1b', 'us-east-1c'),
  units: fc.integer({ min: 1, max: 3 }),
  launchedAtMs: fc.integer({ min: 0, max: 5 }),
  impaired: fc.boolean(),
  pending: fc.boolean(),
  protected: fc.boolean(),
});

describe('selectVictims', () => {
  it('chooses what the definition chooses, in its order and with its reasons', () => {
    fc.assert(
      fc.property(fc.array(memberArbitrary, { maxLength: 30 }), fc.integer({ min: 0, max: 40 }), (drawn, surplus) => {
        const members: Member[] = drawn.map((d, i) => ({
          ...observedInstance(`i-${String(i).padStart(2, '0')}`, { subnetId: `subnet-${d.zone.slice(-1)}`, availabilityZone: d.zone }, d.launchedAtMs, {
            health: d.impaired ? 'impaired' : 'ok',
            state: d.pending ? 'pending' : 'running',
            protected: d.protected,
          }),
          units: d.units,
          launchedAtMs: d.launchedAtMs,
        }));
        expect(selectVictims(members, surplus)).toEqual(definedVictims(members, surplus));
      }),
      { numRuns: 2000 },
    );
  });
});
