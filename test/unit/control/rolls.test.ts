// Rolls in the control step over the in-memory ports: the newest approved candidate is chosen
// (an unapproved newer one skipped), launches get its image and the gate checks that image, an
// Image Roll event goes out at each change of phase, the alarm turns the roll around, and a
// failed read of the images makes the roll wait with a warning. A roll from an SSM parameter with
// the signature verified by KMS asks KMS once per image per step, the roll and the gate together.
import { describe, expect, it } from 'vitest';
import type { ImageFacts } from '../../../functions/core/images/facts.ts';
import { MEMORY_IMAGE } from '../../../functions/memory/images.ts';
import { ControlWorld } from './world.ts';

const image = (imageId: string, ownerId: string, created: string): ImageFacts => ({ ...MEMORY_IMAGE, imageId, ownerId, name: `web-${created}`, creationDate: created, createdAtMs: Date.parse(created) });
const APPROVED = image('ami-0approved', '123456789012', '2026-11-30T00:00:00.000Z');
const UNAPPROVED = image('ami-0unapproved', '999999999999', '2026-12-01T00:00:00.000Z');

async function rollingWorld(): Promise<ControlWorld> {
  const roll = { source: { namePattern: 'web-*', owners: ['123456789012', '999999999999'] }, alarm: 'web-errors', bakeSeconds: 60 };
  const world = new ControlWorld({ fleet: { images: { allowedOwners: ['123456789012'], roll } } });
  world.images.rolls.images = [UNAPPROVED, APPROVED];
  world.images.launches.images.set(APPROVED.imageId, APPROVED);
  world.setLoad(20);
  await world.seedInService(2);
  return world;
}

const rollEvents = (world: ControlWorld) => world.events.published.filter((e) => e.detailType === 'Image Roll').map((e) => [e.detail.phase, e.detail.targetImageId]);

describe('a roll in the control step', () => {
  it('rolls onto the newest approved candidate, launches it with the gate checking it, and says so in an event', async () => {
    const world = await rollingWorld();

    const outcome = await world.step();

    expect(outcome).toMatchObject({ outcome: 'done', launchFailed: false, launched: [expect.any(String)] });
    const launched = outcome.outcome === 'done' ? outcome.launched : [];
    expect((await world.compute.describeInstances(launched)).map((i) => i.imageId)).toEqual([APPROVED.imageId]);
    expect(world.faults.compute.callsOf('launch').map((call) => (call.args[0] as { command: { imageId?: string } }).command.imageId)).toEqual([APPROVED.imageId]);
    // Observed without the lease, again under it, then checked by the gate at launch.
    expect(world.images.launches.described).toHaveLength(3);
    expect((await world.state.records.getStatus('web'))?.roll).toMatchObject({ phase: 'rolling', targetImageId: APPROVED.imageId, previousImageId: MEMORY_IMAGE.imageId });
    expect(rollEvents(world)).toEqual([['rolling', APPROVED.imageId]]);
  });

  it('refuses the roll launch when the gate does not know the roll image, and the fleet keeps its instances', async () => {
    const world = await rollingWorld();
    world.images.launches.images.clear();

    const outcome = await world.step();

    expect(outcome).toMatchObject({ outcome: 'done', launchFailed: true, launched: [], terminated: [] });
    expect(world.alive()).toHaveLength(2);
  });

  it('turns around when the alarm fires, with the note in the decision log and a rolling-back event', async () => {
    const world = await rollingWorld();
    await world.step();
    world.images.rolls.alarmsFiring.add('web-errors');
    world.clock.advance(60_000);

    await world.step();

    const reason = `alarm web-errors is in ALARM during the roll onto ${APPROVED.imageId} (rolling, checkpoint 1): rolling back to ${MEMORY_IMAGE.imageId}`;
    expect((await world.lastDecision())?.decision.notes).toContain(reason);
    expect(rollEvents(world)).toEqual([['rolling', APPROVED.imageId], ['rolling-back', MEMORY_IMAGE.imageId]]);
  });

  it('waits, with a warning, when the images cannot be read', async () => {
    const world = await rollingWorld();
    world.images.rolls.imagesNamed = () => Promise.reject(new Error('DescribeImages throttled'));

    const outcome = await world.step();

    expect(outcome).toMatchObject({ outcome: 'done', launched: [] });
    expect(world.logs.find((l) => l.message === 'reading the roll images failed; the roll waits')?.attributes).toMatchObject({ fleet: 'web', error: 'DescribeImages throttled' });
    expect((await world.lastDecision())?.decision.notes).toContain('images.roll: the images were not read this step (see the log); the roll waits');
  });
});

describe('a roll from an SSM parameter, signed images verified with KMS', () => {
  const KEY = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const SIGNED = { ...APPROVED, tags: { 'fleetward:approval-signature': 'c2lnbmVk' } };

  it('rolls onto the parameter image and asks KMS Verify once per image in each step', async () => {
    const world = new ControlWorld({ fleet: { images: { signature: { kmsKeyArn: KEY }, roll: { source: { ssmParameter: '/golden/web' }, bakeSeconds: 60 } } } });
    world.images.rolls.parameters.set('/golden/web', SIGNED);
    world.images.launches.images.set(SIGNED.imageId, SIGNED);
    world.images.launches.facts = { ...world.images.launches.facts, image: { ...MEMORY_IMAGE, tags: SIGNED.tags } };
    world.images.verifier.keys.set(KEY, () => true);
    world.setLoad(20);
    await world.seedInService(2);

    const outcome = await world.step();

    expect(outcome).toMatchObject({ outcome: 'done', launchFailed: false, launched: [expect.any(String)] });
    expect((await world.state.records.getStatus('web'))?.roll).toMatchObject({ phase: 'rolling', targetImageId: SIGNED.imageId });
    expect(world.images.verifier.calls.map((c) => c.message)).toEqual([`fleetward-image-approval/v1 ${SIGNED.imageId} ${SIGNED.creationDate}`]);
    await world.step();
    expect(world.images.verifier.calls).toHaveLength(2);
  });

  it('refuses the roll image and launches nothing when KMS fails, and the fleet keeps its instances', async () => {
    const world = new ControlWorld({ fleet: { images: { signature: { kmsKeyArn: KEY }, roll: { source: { ssmParameter: '/golden/web' } } } } });
    world.images.rolls.parameters.set('/golden/web', SIGNED);
    world.images.verifier.keys.set(KEY, Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    world.setLoad(20);
    await world.seedInService(2);

    const outcome = await world.step();

    expect(outcome).toMatchObject({ outcome: 'done', launched: [], terminated: [] });
    expect((await world.state.records.getStatus('web'))?.roll).toBeUndefined();
    expect(world.alive()).toHaveLength(2);
  });
});
