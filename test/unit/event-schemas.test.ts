// Every EventBridge event fleetward publishes has a JSON Schema in docs/events/, and what the
// control step really publishes (failover, drain, image gate over the in-memory ports) matches it.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DETAIL_TYPES, type DetailType, schemaFileOf } from '../../functions/ports/event-types.ts';
import type { Published } from '../../functions/memory/events.ts';
import { MEMORY_IMAGE } from '../../functions/memory/images.ts';
import { A } from './memory/fixtures.ts';
import { ControlWorld, WORLD_OWNER } from './control/world.ts';

const SCHEMAS = new URL('../../docs/events/', import.meta.url);

function schemaOf(detailType: DetailType): z.ZodType {
  const schema = JSON.parse(readFileSync(new URL(schemaFileOf(detailType), SCHEMAS), 'utf8')) as Parameters<typeof z.fromJSONSchema>[0];
  return z.fromJSONSchema(schema);
}

/** The problems of a published event against its schema, as "path: message". */
function problemsOf(event: Published): string[] {
  const result = schemaOf(event.detailType as DetailType).safeParse(JSON.parse(JSON.stringify(event.detail)));
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

/** A pet failed over; beyond 100 fleets, its untagged identity left in place (`leftInPlace`) and an owner-tagged volume carried (`owner`). */
async function failedOver(deploymentFleets = 1): Promise<ControlWorld> {
  const world = new ControlWorld({ withTargetGroup: true, deploymentFleets, fleet: { capacity: { min: 1, max: 1 }, failover: { unhealthyThreshold: 1, gracePeriodSeconds: 0 } } });
  const [pet] = await world.seedInService(1, { subnetId: A.subnetId, identity: { elasticIps: 1, networkInterfaces: 1, volumes: 1 } });
  if (deploymentFleets > 1) {
    world.compute.addVolume({ availabilityZone: A.availabilityZone, fleet: 'web', owner: WORLD_OWNER, attachTo: { instanceId: pet ?? 'none', device: '/dev/sdg' } });
  }
  world.setLoad(10);
  world.compute.fail(pet ?? 'none', 'impaired');
  await world.step();
  if (deploymentFleets > 1) {
    // The fields the schema must admit are there to be checked.
    const { plan } = world.events.published[0]?.detail as { plan: { leftInPlace: string[]; identity: { volumes: Array<{ owner?: string }> } } };
    expect([plan.leftInPlace.length, plan.identity.volumes.map((v) => v.owner)]).toEqual([3, [WORLD_OWNER]]);
  }
  return world;
}

/** An operator's drain (its replacement first), terminated at once: no drain state in the event. */
async function drained(): Promise<ControlWorld> {
  const world = new ControlWorld();
  const [id] = await world.seedInService(2);
  world.setLoad(20);
  await world.state.records.putRequest('web', { requestId: 'r-1', kind: 'drain', instanceId: id ?? 'none', requestedAtMs: world.clock.now(), requestedBy: 'alice' });
  for (let step = 0; step < 3 && world.events.count('Instance Draining') === 0; step += 1) await world.step();
  return world;
}

/** A maintenance behind a target group that waits for continue: the drain state in the event, deregistered and notified. */
async function maintained(): Promise<ControlWorld> {
  const world = new ControlWorld({ withTargetGroup: true, fleet: { drain: { waitForContinue: true } } });
  const [id] = await world.seedInService(2);
  world.setLoad(20);
  await world.state.records.putRequest('web', { requestId: 'r-1', kind: 'maintenance-enter', instanceId: id ?? 'none', requestedAtMs: world.clock.now(), requestedBy: 'alice' });
  for (let step = 0; step < 5 && world.events.count('Instance Draining') === 0; step += 1) {
    await world.step();
    world.clock.advance(60_000);
  }
  const [event] = world.events.published;
  expect(event?.detail.drain).toMatchObject({ purpose: 'maintenance', deregisteredAtMs: expect.any(Number), notifiedAtMs: expect.any(Number) });
  return world;
}

async function gated(mode: 'enforce' | 'warn'): Promise<ControlWorld> {
  const world = new ControlWorld({ fleet: { images: { launchTemplateChecks: { mode } } } });
  world.images.launches.facts = { ...world.images.launches.facts, template: { ...world.images.launches.facts.template, httpTokens: 'optional' } };
  world.setLoad(30);
  await world.step();
  return world;
}

/** A roll onto the newest approved image, started, then turned back by its alarm. */
async function rolled(rollBack: boolean): Promise<ControlWorld> {
  const approved = { ...MEMORY_IMAGE, imageId: 'ami-0a11', name: 'web-2026-11-30', creationDate: '2026-11-30T00:00:00.000Z', createdAtMs: Date.parse('2026-11-30T00:00:00.000Z') };
  const world = new ControlWorld({ fleet: { images: { roll: { source: { namePattern: 'web-*', owners: [approved.ownerId] }, alarm: 'web-errors', bakeSeconds: 60 } } } });
  world.images.rolls.images = [approved];
  world.images.launches.images.set(approved.imageId, approved);
  world.setLoad(20);
  await world.seedInService(2);
  await world.step();
  if (rollBack) {
    world.images.rolls.alarmsFiring.add('web-errors');
    world.clock.advance(60_000);
    await world.step();
  }
  return world;
}

const SCENARIOS: Record<DetailType, ReadonlyArray<() => Promise<ControlWorld>>> = {
  'Instance Failover': [() => failedOver(), () => failedOver(101)],
  'Instance Draining': [drained, maintained],
  'Image Refused': [() => gated('enforce')],
  'Image Warning': [() => gated('warn')],
  'Image Roll': [() => rolled(false), () => rolled(true)],
};

describe('the event schemas', () => {
  it('exist for every detail type fleetward publishes, and for nothing else', () => {
    const files = readdirSync(SCHEMAS).filter((file) => file.endsWith('.schema.json'));
    expect(files.sort()).toEqual(DETAIL_TYPES.map(schemaFileOf).sort());
    for (const detailType of DETAIL_TYPES) {
      const schema = JSON.parse(readFileSync(new URL(schemaFileOf(detailType), SCHEMAS), 'utf8')) as { title: string; $schema: string };
      expect([schema.title, schema.$schema]).toEqual([detailType, 'https://json-schema.org/draft/2020-12/schema']);
    }
  });

  it.each(DETAIL_TYPES)('match what the step publishes as %s', async (detailType) => {
    for (const scenario of SCENARIOS[detailType]) {
      const world = await scenario();
      const published = world.events.published.filter((event) => event.detailType === detailType);
      expect(published.length).toBeGreaterThan(0);
      expect(published.flatMap(problemsOf)).toEqual([]);
    }
  });

  it.each([
    ['a missing field', 'Instance Draining', { fleet: 'web', reason: 'operator drain' }, ['instanceId: Invalid input: expected string, received undefined']],
    ['a field it does not document', 'Image Warning', { fleet: 'web', rule: 'imdsv2', subject: 'lt-1 version 1', reason: 'r', extra: 1 }, [': Unrecognized key: "extra"']],
    ['a malformed instance id', 'Instance Failover', { fleet: 'web', failedInstance: 'web-1', replacement: 'i-0abc', cause: 'c', plan: {}, moved: [] }, expect.arrayContaining(['failedInstance: Invalid string: must match pattern /^i-[0-9a-f]+$/'])],
  ] as const)('refuse %s', (_case, detailType, detail, problems) => {
    expect(problemsOf({ detailType, detail })).toEqual(problems);
  });
});
