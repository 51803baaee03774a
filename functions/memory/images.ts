/**
 * The image ports in memory, for the simulator and the unit tests: the launch facts are whatever
 * the test set (a secure template and an approved image by default), alerts are a set, a roll's
 * images and alarms are what the test put there (none by default), and KMS Verify answers what
 * the test set per key (a key it did not set fails as KMS does for a key that does not exist).
 */
import type { FleetConfig } from '../core/config.ts';
import type { ImageFacts, LaunchFacts } from '../core/images/facts.ts';
import type { AlertLog, ImagePorts, LaunchFactsPort, RollSourcePort, SignatureVerifier } from '../ports/images.ts';

export const MEMORY_IMAGE: ImageFacts = {
  imageId: 'ami-0memory',
  name: 'memory-image',
  ownerId: '123456789012',
  creationDate: '2026-01-01T00:00:00.000Z',
  createdAtMs: Date.parse('2026-01-01T00:00:00.000Z'),
  tags: {},
  volumes: [{ device: '/dev/xvda', encrypted: true }],
};

export class MemoryLaunchFacts implements LaunchFactsPort {
  facts: LaunchFacts = {
    template: { templateId: 'lt-0memory', version: 1, imageId: MEMORY_IMAGE.imageId, httpTokens: 'required', volumes: [], publicIp: false },
    image: MEMORY_IMAGE,
    allowedImages: { state: 'disabled', criteria: [] },
    encryptionByDefault: false,
  };
  readonly described: Array<FleetConfig['launchTemplate']> = [];

  /** Images a launch may name in place of the template's, by id. */
  readonly images = new Map<string, ImageFacts>();

  describeLaunch(launchTemplate: FleetConfig['launchTemplate'], imageId?: string): Promise<LaunchFacts> {
    this.described.push(launchTemplate);
    if (imageId === undefined) return Promise.resolve(this.facts);
    const { image: _template, ...rest } = this.facts;
    const image = this.images.get(imageId);
    return Promise.resolve(image === undefined ? rest : { ...rest, image });
  }
}

export class MemoryRollSources implements RollSourcePort {
  /** Newest first, as imagesNamed answers (the pattern and owners are not matched: the test lists what matches). */
  images: ImageFacts[] = [];
  readonly alarmsFiring = new Set<string>();

  /** Per SSM parameter name, the image it names. */
  readonly parameters = new Map<string, ImageFacts>();

  imagesNamed(): Promise<ImageFacts[]> {
    return Promise.resolve(this.images);
  }

  parameterImage(name: string): Promise<ImageFacts[]> {
    const image = this.parameters.get(name);
    return Promise.resolve(image === undefined ? [] : [image]);
  }

  alarmFiring(alarmName: string): Promise<boolean> {
    return Promise.resolve(this.alarmsFiring.has(alarmName));
  }
}

export class MemoryAlertLog implements AlertLog {
  readonly keys = new Set<string>();

  firstTime(fleet: string, key: string): Promise<boolean> {
    const id = `${fleet}#${key}`;
    const first = !this.keys.has(id);
    this.keys.add(id);
    return Promise.resolve(first);
  }
}

export class MemoryVerifier implements SignatureVerifier {
  /** Per key ARN: whether a signature verifies (by the signed message and the signature), or the error KMS raises. */
  readonly keys = new Map<string, ((message: string, signature: Uint8Array) => boolean) | Error>();
  /** Every Verify asked: the key and the message. */
  readonly calls: Array<{ keyArn: string; message: string }> = [];

  verify(request: Parameters<SignatureVerifier['verify']>[0]): Promise<boolean> {
    const message = Buffer.from(request.message).toString('utf8');
    this.calls.push({ keyArn: request.keyArn, message });
    const key = this.keys.get(request.keyArn);
    if (key === undefined) return Promise.reject(Object.assign(new Error(`Key '${request.keyArn}' does not exist`), { name: 'NotFoundException' }));
    return key instanceof Error ? Promise.reject(key) : Promise.resolve(key(message, request.signature));
  }
}

export function memoryImages(): ImagePorts & { readonly launches: MemoryLaunchFacts; readonly alerts: MemoryAlertLog; readonly rolls: MemoryRollSources; readonly verifier: MemoryVerifier } {
  return { launches: new MemoryLaunchFacts(), alerts: new MemoryAlertLog(), rolls: new MemoryRollSources(), verifier: new MemoryVerifier() };
}
