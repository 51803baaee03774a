/**
 * A fleet's optional `optimization` section: whether the optimization methods (consolidation,
 * zone rebalance) only recommend or act, and the gates every move with an estimated saving must
 * pass (docs/optimization.md#moving-what-runs). Absent, the optimization methods do not run.
 */
import * as z from 'zod';

const usd = () => z.number().min(0).max(1_000_000);

export const optimizationConfigSchema = z.strictObject({
  /** recommend-only: moves are written to the decision log and `fleetward plan`, nothing changes; act: they are made. */
  mode: z.enum(['recommend-only', 'act']).default('recommend-only'),
  /** A move with an estimated saving is made only when it saves at least both. */
  minSavings: z
    .strictObject({
      /** US dollars a month. */
      monthlyUsd: usd().default(5),
      /** Percent of the fleet's monthly cost. */
      percent: z.number().min(0).max(100).default(1),
    })
    .prefault({}),
  /** The savings-versus-disruption score: dollars saved a month per instance the move churns (1 removed, or 2 for replace-first) must reach it. */
  minSavingsPerDisruption: z.strictObject({ monthlyUsd: usd().default(5) }).prefault({}),
  /** Zone rebalance: zones whose instance counts differ by more than maxSkew are rebalanced, replacement first. */
  zoneRebalance: z.strictObject({ maxSkew: z.number().int().min(1).max(10_000).default(1) }).prefault({}),
});

export type OptimizationConfig = z.output<typeof optimizationConfigSchema>;
