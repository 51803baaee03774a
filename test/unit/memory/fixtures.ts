// Builders shared by the in-memory ports' tests: a manual clock, two zones of subnets, a fleet
// config, launch commands, and a compute over them.
import { type FleetConfig, validateConfig } from '../../../functions/core/config.ts';
import type { InstanceTypeChoice } from '../../../functions/core/model.ts';
import { MemoryCompute, type MemoryComputeOptions } from '../../../functions/memory/compute.ts';
import type { LaunchCommand, LaunchRequest } from '../../../functions/ports/index.ts';

export const START_MS = Date.UTC(2026, 10, 24, 12);

export class TestClock {
  constructor(private ms = START_MS) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

export const A = { subnetId: 'subnet-a', availabilityZone: 'us-east-1a' };
export const B = { subnetId: 'subnet-b', availabilityZone: 'us-east-1b' };

export function fleetConfig(name = 'web', tags: Record<string, string> = {}): FleetConfig {
  const config = validateConfig({
    fleets: [
      {
        name,
        launchTemplate: { id: 'lt-0123456789abcdef0' },
        subnets: [A.subnetId, B.subnetId],
        instanceTypes: [{ type: 'm7g.large' }],
        capacity: { min: 0, max: 10 },
        scaling: { metric: { namespace: 'Test', name: 'Load', statistic: 'Sum' }, metricType: 'total', target: 10 },
        tags,
      },
    ],
  });
  const fleet = config.fleets[0];
  if (fleet === undefined) throw new Error('no fleet');
  return fleet;
}

export function launchCommand(units: number, types: readonly InstanceTypeChoice[] = [{ type: 'm7g.large', weight: 1 }], subnet = A): LaunchCommand {
  return { kind: 'launch', id: `web/1/launch/${subnet.subnetId}`, subnetId: subnet.subnetId, availabilityZone: subnet.availabilityZone, capacityUnits: units, instanceTypes: types, reason: 'test' };
}

export const launchRequest = (command: LaunchCommand, fleet = fleetConfig()): LaunchRequest => ({ fleet, command, owner: 'fleetward-test' });

export function memoryCompute(options: Partial<MemoryComputeOptions> = {}) {
  const clock = new TestClock();
  const compute = new MemoryCompute({ clock, subnets: [A, B], ...options });
  return { clock, compute };
}
