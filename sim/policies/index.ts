/**
 * The policies the simulator compares, by name: fleetward's own and the baselines, each built
 * for one run at one target utilisation.
 */
import type { FleetConfig } from '../../functions/core/config.ts';
import type { ActingPolicy, Policy, SimSettings } from '../engine.ts';
import type { Demand } from '../trace.ts';
import { createFleetwardPolicy } from './fleetward.ts';
import { hpaStep, initialHpa } from './hpa.ts';
import { initialPredictive, predictiveStep } from './predictive.ts';
import { instancesFor, oracleSchedule } from './reference.ts';
import { initialTargetTracking, targetTrackingStep } from './target-tracking.ts';

export const POLICY_NAMES = ['fleetward', 'target-tracking', 'hpa', 'predictive', 'static', 'oracle'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

/** Policies whose main knob is the target utilisation (the others have none). */
export const SWEPT_POLICIES: ReadonlySet<PolicyName> = new Set(['fleetward', 'target-tracking', 'hpa', 'predictive']);

export const POLICY_DESCRIPTIONS: Record<PolicyName, string> = {
  fleetward: "fleetward's core: target tracking with predictive pre-scaling",
  'target-tracking': 'EC2 Auto Scaling target tracking',
  hpa: 'Kubernetes Horizontal Pod Autoscaler',
  predictive: 'EC2 Auto Scaling predictive scaling + target tracking',
  static: 'static provisioning at the peak',
  oracle: 'oracle: demand known in advance (lower bound)',
};

export function isPolicyName(name: string): name is PolicyName {
  return (POLICY_NAMES as readonly string[]).includes(name);
}

/** Wraps a pure step function and its state into a policy. */
function stateful<S>(name: PolicyName, initial: S, step: (state: S, observation: Parameters<Policy['decide']>[0]) => { desired: number; state: S }): Policy {
  let state = initial;
  return {
    name,
    decide(observation) {
      const result = step(state, observation);
      state = result.state;
      return result.desired;
    },
  };
}

export interface PolicyRun {
  readonly policy: Policy | ActingPolicy;
  /** Instances in service when the simulation starts. */
  readonly initialInstances: number;
}

/** Builds a policy for one run. `target` is the target utilisation, 0..1; `fleet`, a user's fleet settings for fleetward. */
export function createPolicy(name: PolicyName, target: number, demand: Demand, settings: SimSettings, fleet?: FleetConfig): PolicyRun {
  const first = instancesFor(demand.values[0] ?? 0, settings.instanceCapacity);
  switch (name) {
    case 'fleetward':
      return {
        policy: createFleetwardPolicy({
          target,
          stepS: settings.stepS,
          bootS: settings.bootS,
          minInstances: settings.minInstances,
          maxInstances: settings.maxInstances,
          ...(settings.warmPool === undefined ? {} : { warmPool: settings.warmPool }),
          ...(fleet === undefined ? {} : { fleet }),
        }),
        initialInstances: first,
      };
    case 'target-tracking':
      return { policy: stateful(name, initialTargetTracking, (s, o) => targetTrackingStep(s, o, { target })), initialInstances: first };
    case 'hpa':
      return { policy: stateful(name, initialHpa, (s, o) => hpaStep(s, o, { target, stepS: settings.stepS })), initialInstances: first };
    case 'predictive':
      return { policy: stateful(name, initialPredictive, (s, o) => predictiveStep(s, o, { target, stepS: settings.stepS })), initialInstances: first };
    case 'static': {
      const peak = instancesFor(demand.peak, settings.instanceCapacity);
      return { policy: { name, decide: () => peak }, initialInstances: peak };
    }
    case 'oracle': {
      const schedule = oracleSchedule(demand, settings.bootS, settings.instanceCapacity);
      return { policy: { name, decide: (o) => schedule[o.step] ?? 0 }, initialInstances: first };
    }
  }
}
