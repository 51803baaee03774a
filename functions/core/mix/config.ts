/**
 * A fleet's optional `mix` section: how the exact mix may spread its capacity over types, zones
 * and markets, and where its prices come from. Absent, the fleet launches as before (the first
 * listed type with capacity). Validated with the rest of the config, each error naming its field.
 */
import * as z from 'zod';
import type { MixPolicy } from './problem.ts';

const share = () => z.number().gt(0).max(1);

export const mixConfigSchema = z.strictObject({
  /** Units that are always on-demand (or reserved). */
  onDemandBase: z.number().int().min(0).max(10_000).default(0),
  /** At most this share of the needed units on Spot; 0 launches no Spot. */
  maxSpotShare: z.number().min(0).max(1).default(0),
  /** No instance type above this share of the needed units (one instance of a type is always allowed). */
  maxTypeShare: share().default(1),
  /** No type in one zone above this share of the needed units (one instance is always allowed). */
  maxTypeZoneShare: share().default(1),
  zoneBalance: z.enum(['balanced-only', 'best-effort']).default('best-effort'),
  /** Use the account's open capacity reservations (for the fleet's types and zones) before buying. */
  useReservations: z.boolean().default(true),
  /** What the fleet's launches are, for matching reservations: EC2's instance platform (e.g. "Linux/UNIX", "Windows") and tenancy. */
  reservations: z
    .strictObject({ platform: z.string().min(1).default('Linux/UNIX'), tenancy: z.enum(['default', 'dedicated']).default('default') })
    .prefault({}),
  prices: z
    .strictObject({
      /** aws: the Price List Query API and Spot price history, cached in the table; table: only the shipped price table. */
      source: z.enum(['aws', 'table']).default('aws'),
      /** A cached on-demand price older than this is fetched again. */
      onDemandMaxAgeHours: z.number().int().min(1).max(720).default(24),
      /** A cached Spot price older than this is fetched again. */
      spotMaxAgeMinutes: z.number().int().min(5).max(1440).default(60),
    })
    .prefault({}),
});

export type MixConfig = z.output<typeof mixConfigSchema>;

/** The optimizer's policy for a fleet's mix section. */
export const mixPolicy = (mix: MixConfig): MixPolicy => ({
  onDemandBaseUnits: mix.onDemandBase,
  maxSpotShare: mix.maxSpotShare,
  maxTypeShare: mix.maxTypeShare,
  maxTypeZoneShare: mix.maxTypeZoneShare,
  zoneBalance: mix.zoneBalance,
  useReservations: mix.useReservations,
});
