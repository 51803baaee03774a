/**
 * The voluntary disruption methods, in the order they run: each sees only the instances the ones
 * before it left in service. A new reason to take instances out is one module and one line here.
 */
import { consolidation } from './consolidation.ts';
import { evacuation } from './evacuation.ts';
import { expiry } from './expiry.ts';
import type { DisruptionMethod } from './method.ts';
import { rightsizing } from './rightsizing.ts';
import { mix } from './mix.ts';
import { roll } from './roll.ts';
import { scaleIn } from './scale-in.ts';
import { zoneRebalance } from './zone-rebalance.ts';

export const DISRUPTION_METHODS: readonly DisruptionMethod[] = [evacuation, consolidation, scaleIn, roll, expiry, rightsizing, mix, zoneRebalance];

export const DISRUPTION_REASONS: readonly string[] = DISRUPTION_METHODS.map((method) => method.reason);
