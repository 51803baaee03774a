/**
 * `simulate --mix` as text and JSON: both runs' τU, instance-hours and dollars side by side, each
 * run's bill by type and market, and the mix's saving against the single on-demand type.
 */
import type { MixComparison, MixRun } from './mix.ts';
import { textTable } from './report.ts';

const dollars = (usd: number) => `${usd < 0 ? '-' : ''}$${Math.abs(usd).toFixed(2)}`;

function runCells(run: MixRun): string[] {
  const m = run.metrics;
  return [run.label, `${Math.round(run.target * 100)}%`, m.underTimeshare.toFixed(2), m.unservedPercent.toFixed(3), m.instanceHours.toFixed(1), dollars(run.usd), String(m.launches), String(run.interruptions)];
}

function billLines(run: MixRun): string[] {
  const rows = run.costs.map((cost) => [`  ${cost.type} ${cost.market}`, `$${cost.perHour}/h`, `${cost.instanceHours.toFixed(1)} inst-h`, dollars(cost.usd)]);
  return [`${run.label} by type and market:`, ...textTable(['', '', '', ''], rows).split('\n').slice(1)];
}

export function formatMix(comparison: MixComparison): string {
  const { mix, single, saving } = comparison;
  const spot = comparison.spotInterruptionsPerHour === 0 ? 'no Spot interruptions' : `Spot interrupted at ${comparison.spotInterruptionsPerHour} per instance-hour (seed ${comparison.seed})`;
  return [
    `fleetward with the mix of fleet ${comparison.fleet} at its target, ${spot}, against its cheapest on-demand type at the cheapest target (${Math.round(comparison.target * 100)}% or above) with τU within the mix's; prices: ${comparison.prices}`,
    '',
    textTable(['run', 'target', 'τU %', 'unserved %', 'inst-h', 'cost', 'launches', 'interruptions'], [runCells(mix), runCells(single)]),
    '',
    ...billLines(mix),
    ...billLines(single),
    '',
    `saving: ${dollars(saving.usd)} (${saving.percent.toFixed(1)}%) against ${single.label}, at τU ${mix.metrics.underTimeshare.toFixed(2)}% (mix) and ${single.metrics.underTimeshare.toFixed(2)}% (${single.label})`,
    '',
  ].join('\n');
}

/** The comparison as plain data (dollars to the cent). */
export function mixJson(comparison: MixComparison): object {
  const cents = (usd: number) => Math.round(usd * 100) / 100;
  const run = (r: MixRun) => ({ ...r, usd: cents(r.usd), costs: r.costs.map((cost) => ({ ...cost, usd: cents(cost.usd) })) });
  return { ...comparison, mix: run(comparison.mix), single: run(comparison.single), saving: { usd: cents(comparison.saving.usd), percent: Math.round(comparison.saving.percent * 10) / 10 } };
}
