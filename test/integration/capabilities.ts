/**
 * What the emulator the integration tests run against can do, in one place: a test that needs
 * what its target lacks is skipped with a note that says exactly why (shown in vitest's output).
 */
import { TestRunner, inject } from 'vitest';
import type { EmulatorTarget } from './emulator-target.ts';

export type Capability = 'load balancing' | 'forced failures' | 'moto pricing answer' | 'moto instance types';

const LACKING: Record<EmulatorTarget, Partial<Record<Capability, string>>> = {
  'moto-launcher': {},
  external: {
    'forced failures':
      'needs the test launcher (test/emulator/moto_launcher.py) to force an impaired status or an unhealthy target; AWS_ENDPOINT_URL names another endpoint',
    'moto instance types': "compares DescribeInstanceTypes with the shipped list, which was read from moto 5.2.5; AWS_ENDPOINT_URL may name another emulator's list",
  },
  localstack: {
    'load balancing': 'needs ELBv2 target groups; LocalStack community answers 501 for ELBv2',
    'forced failures':
      'needs the moto test launcher to force an impaired status or an unhealthy target; LocalStack reports every instance ok',
    'moto pricing answer': "asserts moto's HTTP 500 for the Price List API (no Pricing backend); LocalStack community answers it otherwise",
    'moto instance types':
      "compares DescribeInstanceTypes with the shipped list, which was read from moto 5.2.5 (1,395 types); LocalStack's EC2 is moto-ext 5.1, whose list has 1,187 (no c8ib, c8in, ...)",
  },
};

export const emulatorTarget: EmulatorTarget = inject('emulatorTarget');

/** Why the target cannot run a test that needs these, if it cannot. */
export function lacking(...needs: readonly Capability[]): string | undefined {
  const reasons = needs.flatMap((need) => LACKING[emulatorTarget][need] ?? []);
  return reasons.length === 0 ? undefined : `skipped on ${emulatorTarget}: ${reasons.join('; ')}`;
}

/** Skips the running test (from it or a helper it calls), with the reason, when the target lacks one of these. */
export function requires(...needs: readonly Capability[]): void {
  const reason = lacking(...needs);
  if (reason === undefined) return;
  const test = TestRunner.getCurrentTest();
  if (test === undefined) throw new Error(`requires() runs inside a test: ${reason}`);
  test.context.skip(reason);
}
