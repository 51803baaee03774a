/**
 * What the shell reads for rightsizing a singleton fleet, as plain data: the sizes and on-demand
 * prices of the fleet's listed types, and each instance's utilisation samples over the window.
 */

export interface TypeSize {
  readonly vcpus: number;
  readonly memoryMiB: number;
}

/** 5-minute averages over the window, in percent (CPUUtilization; the agent's memory used). */
export interface InstanceUsage {
  readonly cpu: readonly number[];
  readonly memory?: readonly number[];
}

export interface RightsizingView {
  readonly sizes: Readonly<Record<string, TypeSize>>;
  /** On-demand dollars an hour, by type. */
  readonly hourlyUsd: Readonly<Record<string, number>>;
  readonly usage: Readonly<Record<string, InstanceUsage>>;
  /** Where the prices come from, for the reasons (e.g. "the shipped price table of 2026-12-01"). */
  readonly priceSource: string;
}

/** The datapoint period the usage samples have. */
export const USAGE_PERIOD_SECONDS = 300;
