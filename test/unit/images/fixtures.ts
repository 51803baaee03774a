// Builders for the image gate's unit tests: a policy through the real config schema (so its
// defaults are the config's), and the facts of a launch that passes every rule.
import { type ImagePolicy, validateConfig } from '../../../functions/core/config.ts';
import type { ImageFacts, LaunchFacts, TemplateFacts } from '../../../functions/core/images/facts.ts';

export const NOW_MS = Date.parse('2026-12-01T12:00:00.000Z');

export function policyOf(images: Record<string, unknown>): ImagePolicy {
  const config = validateConfig({
    fleets: [
      {
        name: 'web',
        launchTemplate: { id: 'lt-0123456789abcdef0' },
        subnets: ['subnet-0a'],
        instanceTypes: [{ type: 'm7g.large' }],
        capacity: { min: 0, max: 4 },
        scaling: { metric: { namespace: 'T', name: 'Load', statistic: 'Sum' }, metricType: 'total', target: 10 },
        images,
      },
    ],
  });
  const policy = config.fleets[0]?.images;
  if (policy === undefined) throw new Error('no image policy');
  return policy;
}

export const IMAGE: ImageFacts = {
  imageId: 'ami-0abc',
  name: 'web-2026-11-30',
  ownerId: '123456789012',
  creationDate: '2026-11-30T12:00:00.000Z',
  createdAtMs: Date.parse('2026-11-30T12:00:00.000Z'),
  tags: { approved: 'true' },
  volumes: [{ device: '/dev/xvda', encrypted: true }],
};

export const TEMPLATE: TemplateFacts = {
  templateId: 'lt-0123456789abcdef0',
  version: 3,
  imageId: 'ami-0abc',
  httpTokens: 'required',
  volumes: [],
  publicIp: false,
  userData: '#!/bin/bash\nyum update -y\n',
};

export function launchFacts(changes: { image?: Partial<ImageFacts> | null; template?: Partial<TemplateFacts>; allowedImages?: LaunchFacts['allowedImages']; encryptionByDefault?: boolean } = {}): LaunchFacts {
  return {
    template: { ...TEMPLATE, ...changes.template },
    ...(changes.image === null ? {} : { image: { ...IMAGE, ...changes.image } }),
    allowedImages: changes.allowedImages ?? { state: 'disabled', criteria: [] },
    encryptionByDefault: changes.encryptionByDefault ?? false,
  };
}
