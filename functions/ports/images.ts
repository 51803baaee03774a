/**
 * The ports the image gate needs: the facts of a launch (the launch template version, its image,
 * the account's Allowed AMIs setting) and a record of the alerts already sent, so each is sent once.
 */
import type { FleetConfig } from '../core/config.ts';
import type { LaunchFacts } from '../core/images/facts.ts';

export interface LaunchFactsPort {
  /** What a launch with the fleet's launch template would start, as EC2 describes it now. */
  describeLaunch(launchTemplate: FleetConfig['launchTemplate']): Promise<LaunchFacts>;
}

export interface AlertLog {
  /** True the first time `key` is recorded for the fleet, false ever after (whatever run asks). */
  firstTime(fleet: string, key: string, nowMs: number): Promise<boolean>;
}

export interface ImagePorts {
  readonly launches: LaunchFactsPort;
  readonly alerts: AlertLog;
}
