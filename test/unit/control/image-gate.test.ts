// The image gate in the control step over the in-memory ports: a refused image fails the launch
// (the backoff counts it, nothing launches, the decision log says why), a warned-about template
// launches with a note, each finding is alerted once across steps, and a resolve:ssm: template's
// launch names the image the gate resolved and judged.
import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../../functions/ports/errors.ts';
import { ControlWorld } from './world.ts';

const HOUR_MS = 3_600_000;
const launches = (world: ControlWorld) => world.faults.compute.callsOf('launch').length;

function gatedWorld(images: Record<string, unknown>): ControlWorld {
  const world = new ControlWorld({ fleet: { images } });
  world.setLoad(30);
  return world;
}

describe('the image gate', () => {
  it('refuses the launch of an image from an owner not allowed, naming the image and the rule', async () => {
    const world = gatedWorld({ allowedOwners: ['111122223333'] });

    const outcome = await world.step();

    const refusal =
      'the image policy refused the launch: image ami-0memory is owned by 123456789012, not an allowed owner (allowedOwners: 111122223333) [owner]';
    expect(outcome).toMatchObject({ outcome: 'done', launched: [], launchFailed: true });
    expect(launches(world)).toBe(0);
    const outcomes = (await world.lastDecision())?.actions.map((a) => a.outcome) ?? [];
    expect(outcomes.length).toBeGreaterThan(0);
    expect(outcomes.every((o) => o === `failed: ${refusal}`)).toBe(true);
    expect((await world.state.records.getStatus('web'))?.launchFailures).toMatchObject({ count: 1, lastError: refusal });
    expect(world.events.published.map((e) => [e.detailType, e.detail])).toEqual([
      ['Image Refused', { fleet: 'web', rule: 'owner', subject: 'ami-0memory', reason: 'image ami-0memory is owned by 123456789012, not an allowed owner (allowedOwners: 111122223333)' }],
    ]);
  });

  it('describes the launch once per step and alerts once across steps', async () => {
    const world = gatedWorld({ requiredTags: { approved: 'true' } });

    await world.step();
    world.clock.advance(HOUR_MS);
    await world.step();

    expect(world.images.launches.described.length).toBe(2);
    expect(world.events.count('Image Refused')).toBe(1);
    expect(world.notifier.notified.filter((n) => n.subject.startsWith('fleetward: launch refused')).map((n) => n.subject)).toEqual([
      'fleetward: launch refused for fleet web (required-tag)',
    ]);
  });

  it('launches an approved image', async () => {
    const world = gatedWorld({ allowedOwners: ['123456789012'] });

    expect(await world.step()).toMatchObject({ launchFailed: false, launched: [expect.any(String), expect.any(String), expect.any(String)] });
    expect(world.events.count('Image Refused')).toBe(0);
  });

  it('refuses a template without IMDSv2 in enforce mode', async () => {
    const world = gatedWorld({ launchTemplateChecks: { mode: 'enforce' } });
    world.images.launches.facts = { ...world.images.launches.facts, template: { ...world.images.launches.facts.template, httpTokens: 'optional' } };

    expect(await world.step()).toMatchObject({ launched: [], launchFailed: true });
    expect(world.events.published.map((e) => [e.detailType, e.detail.rule, e.detail.subject])).toEqual([['Image Refused', 'imdsv2', 'lt-0memory version 1']]);
  });

  it('launches with a template without IMDSv2 in warn mode, alerts once and notes it in the decision log', async () => {
    const world = gatedWorld({ launchTemplateChecks: { mode: 'warn' } });
    world.images.launches.facts = { ...world.images.launches.facts, template: { ...world.images.launches.facts.template, httpTokens: 'optional' } };

    const outcome = await world.step();

    expect(outcome).toMatchObject({ launchFailed: false });
    expect(outcome.launched.length).toBe(3);
    const note = '; image policy warnings: launch template lt-0memory version 1 does not require IMDSv2 (MetadataOptions.HttpTokens is optional; must be required) [imdsv2]';
    expect((await world.lastDecision())?.actions.every((a) => a.outcome.endsWith(note))).toBe(true);
    expect(world.events.published.map((e) => [e.detailType, e.detail.rule])).toEqual([['Image Warning', 'imdsv2']]);
  });

  it('does not look at images without an images section', async () => {
    const world = new ControlWorld();
    world.setLoad(30);

    expect((await world.step()).launched.length).toBe(3);
    expect(world.images.launches.described).toEqual([]);
  });

  it('still refuses when the alert cannot be sent, and logs a warning', async () => {
    const world = gatedWorld({ allowedOwners: ['111122223333'] });
    world.faults.notifier.failNext(new ServiceError('SNS is down'));

    expect(await world.step()).toMatchObject({ launched: [], launchFailed: true });
    expect(world.logs.filter((l) => l.message === 'image alert failed').map((l) => l.attributes.error)).toEqual(['SNS is down']);
  });

  it('refuses to launch what it could not check: a failed read fails the launch into the backoff', async () => {
    const world = gatedWorld({ allowedOwners: ['123456789012'] });
    world.images.launches.describeLaunch = () => Promise.reject(new ServiceError('DescribeLaunchTemplateVersions: Rate exceeded'));

    expect(await world.step()).toMatchObject({ launched: [], launchFailed: true });
    expect(launches(world)).toBe(0);
    expect((await world.state.records.getStatus('web'))?.launchFailures?.lastError).toBe('DescribeLaunchTemplateVersions: Rate exceeded');
  });

  it("launches a resolve:ssm: template's image by the id the gate judged, not by the parameter", async () => {
    const world = gatedWorld({ imageParameters: ['/golden/web'] });
    world.images.launches.facts = { ...world.images.launches.facts, template: { ...world.images.launches.facts.template, imageId: 'resolve:ssm:/golden/web' } };

    const outcome = await world.step();

    expect(outcome).toMatchObject({ outcome: 'done', launchFailed: false });
    const named = world.faults.compute.callsOf('launch').map((call) => (call.args[0] as { command: { imageId?: string } }).command.imageId);
    expect(named.length).toBeGreaterThan(0);
    expect(new Set(named)).toEqual(new Set(['ami-0memory']));
  });
});
