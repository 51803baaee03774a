/**
 * `fleetward simulate --trace <csv>`: replays a demand trace against fleetward's policy (with
 * production defaults, or a fleet's settings from `--config`) and the baselines in the
 * simulator, prints the metrics table, and writes a self-contained HTML report and a JSON file.
 * Reads and writes local files only; no AWS.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import type { FleetConfig } from '../../functions/core/config.ts';
import { compare } from '../../sim/compare.ts';
import { isPolicyName, POLICY_NAMES, type PolicyName } from '../../sim/policies/index.ts';
import { progressBar, type ProgressStream } from '../../sim/progress.ts';
import { comparisonJson, describeSetup, formatComparison, formatDecisions, renderReport } from '../../sim/report.ts';
import { simulationRefusal } from '../../sim/policies/fleetward.ts';
import { DEFAULT_SIM_OPTIONS, prepare, type Setup } from '../../sim/run.ts';
import { compareMix } from '../../sim/mix.ts';
import { formatMix, mixJson } from '../../sim/mix-report.ts';
import type { LinearSolver } from '../../functions/ports/solver.ts';
import { loadHighsSolver } from '../../functions/solver/highs-solver.ts';
import { type PricedComparison, type SimPriceTable, formatCost, priceComparison, priceTableSchema } from '../../sim/cost.ts';
import { SHIPPED_PRICES, type PriceTable } from '../../functions/core/mix/price-table.ts';
import type { Comparison } from '../../sim/compare.ts';
import { parseTrace } from '../../sim/trace.ts';
import { type CliIo, CliError, fleetNamed, loadConfig } from './session.ts';

interface SimulateOptions {
  readonly trace: string;
  readonly policy: string;
  readonly target: number;
  readonly sweep?: boolean;
  readonly peakInstances: number;
  readonly bootS: number;
  readonly stepS: number;
  readonly instanceCapacity: number;
  readonly warmupS?: number;
  readonly out: string;
  readonly json?: boolean;
  readonly config?: string;
  readonly fleet?: string;
  readonly prices?: string;
  readonly instanceType?: string;
  readonly mix?: boolean;
  readonly spotInterruptionRate?: number;
  readonly seed: number;
}

/** Where the progress bar goes; the process's stderr unless a test hands in another. */
export interface SimulateRunOptions {
  readonly progress?: ProgressStream;
  readonly now?: () => Date;
}

function positive(name: string, integer: boolean) {
  return (text: string) => {
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
      throw new InvalidArgumentError(`${name} must be a positive ${integer ? 'integer' : 'number'}, got "${text}"`);
    }
    return value;
  };
}

function nonNegative(name: string) {
  return (text: string) => {
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0) throw new InvalidArgumentError(`${name} must be a number >= 0, got "${text}"`);
    return value;
  };
}

function targetPercent(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || value > 100) throw new InvalidArgumentError(`--target must be a percentage in (0, 100], got "${text}"`);
  return value;
}

function policiesFrom(text: string): PolicyName[] {
  if (text === 'all') return [...POLICY_NAMES];
  const names = text.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !isPolicyName(name));
  if (unknown.length > 0) throw new CliError(`unknown policy ${unknown.join(', ')}: choose from ${POLICY_NAMES.join(', ')} or all`);
  return names.filter(isPolicyName);
}

/** The user's fleet named by --config and --fleet, or undefined without --config. */
async function userFleet(options: SimulateOptions): Promise<FleetConfig | undefined> {
  if (options.config === undefined) {
    if (options.fleet !== undefined) throw new CliError('--fleet needs --config: the file the fleet is in');
    return undefined;
  }
  const config = await loadConfig(options.config);
  let fleet: FleetConfig;
  if (options.fleet !== undefined) fleet = fleetNamed(config, options.fleet);
  else if (config.fleets.length === 1 && config.fleets[0] !== undefined) fleet = config.fleets[0];
  else throw new CliError(`${options.config} has ${config.fleets.length} fleets (${config.fleets.map((f) => f.name).join(', ')}): choose one with --fleet`);
  const refusal = simulationRefusal(fleet);
  if (refusal !== undefined) throw new CliError(refusal);
  return fleet;
}

/** The price table of --prices (JSON, like functions/core/mix/prices.json), or the shipped one. */
async function priceTable(file: string | undefined): Promise<SimPriceTable> {
  if (file === undefined) return SHIPPED_PRICES;
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new CliError(`cannot read the price table ${file}: ${(error as Error).message}`);
  }
  const parsed = priceTableSchema.safeParse(raw);
  if (!parsed.success) throw new CliError(`the price table ${file} is not valid: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')}`);
  return parsed.data;
}

/** The comparison priced at --instance-type (default: the fleet's first type, else m7g.large). */
function priced(comparison: Comparison, table: PriceTable, options: SimulateOptions, fleet: FleetConfig | undefined): PricedComparison {
  const type = options.instanceType ?? fleet?.instanceTypes[0]?.type ?? 'm7g.large';
  const result = priceComparison(comparison, table, type);
  if (result === undefined) throw new CliError(`the price table (${table.source}, ${table.date}) has no on-demand price for ${type}: choose another --instance-type or --prices`);
  return result;
}

/** The trace of --trace, prepared with the run's settings; a malformed one is a TraceError, which the CLI prints as bad input. */
async function preparedTrace(options: SimulateOptions): Promise<Setup> {
  let text: string;
  try {
    text = await readFile(options.trace, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read the trace ${options.trace}: ${code === 'ENOENT' ? 'no such file' : String((error as Error).message)}`);
  }
  return prepare(parseTrace(text, options.trace), {
    stepS: options.stepS,
    bootS: options.bootS,
    peakInstances: options.peakInstances,
    instanceCapacity: options.instanceCapacity,
    ...(options.warmupS === undefined ? {} : { warmupS: options.warmupS }),
  });
}

/** `--mix`: the fleet's mix against its cheapest on-demand type, printed and written as JSON. */
async function simulateMix(options: SimulateOptions, io: CliIo, run: SimulateRunOptions, fleet: FleetConfig | undefined, targetPercent: number): Promise<void> {
  if (fleet === undefined) throw new CliError('--mix needs --config: the fleet whose instance types and mix section to simulate');
  if (options.sweep === true) throw new CliError('--mix runs at one target: leave out --sweep');
  if (options.instanceType !== undefined) throw new CliError('--mix bills each type and market at its own price: leave out --instance-type');
  const table = await priceTable(options.prices);
  const prepared = await preparedTrace(options);
  let solver: Promise<LinearSolver> | undefined;
  const comparison = await compareMix(prepared, {
    fleet,
    table,
    solver: () => (solver ??= loadHighsSolver()),
    target: targetPercent / 100,
    spotInterruptionsPerHour: options.spotInterruptionRate ?? 0,
    seed: options.seed,
    onProgress: progressBar(run.progress ?? process.stderr, 'simulating'),
  });
  await mkdir(options.out, { recursive: true });
  const json = join(options.out, `${basename(options.trace, extname(options.trace))}.mix.json`);
  const document = mixJson(comparison);
  await writeFile(json, `${JSON.stringify(document, null, 2)}\n`);
  if (options.json === true) io.stdout(`${JSON.stringify({ ...document, json })}\n`);
  else io.stdout(`${describeSetup({ ...prepared.settings, trace: options.trace, steps: prepared.demand.values.length, peakInstances: options.peakInstances })}\n${formatMix(comparison)}json: ${json}\n`);
}

async function simulate(options: SimulateOptions, io: CliIo, run: SimulateRunOptions, targetGiven: boolean): Promise<void> {
  const policies = policiesFrom(options.policy);
  const fleet = await userFleet(options);
  // A fleet's own target is the one to compare at, unless --target says otherwise.
  const targetPercent = fleet !== undefined && !targetGiven ? fleet.scaling.target : options.target;
  if (options.mix === true) return simulateMix(options, io, run, fleet, targetPercent);
  if (options.spotInterruptionRate !== undefined) throw new CliError('--spot-interruption-rate needs --mix: only the mix runs Spot');
  const table = await priceTable(options.prices);
  const prepared = await preparedTrace(options);
  const comparison = await compare(fleet === undefined ? prepared : { ...prepared, fleet }, {
    policies,
    target: targetPercent / 100,
    sweep: options.sweep === true,
    onProgress: progressBar(run.progress ?? process.stderr, 'simulating'),
  });
  const name = basename(options.trace, extname(options.trace));
  await mkdir(options.out, { recursive: true });
  const html = join(options.out, `${name}.html`);
  const json = join(options.out, `${name}.json`);
  const settings = fleet === undefined ? undefined : { fleet: fleet.name, config: options.config };
  const cost = priced(comparison, table, options, fleet);
  const document = { ...comparisonJson(comparison), cost, ...(settings === undefined ? {} : { fleetwardSettings: settings }) };
  await writeFile(html, renderReport(comparison, (run.now?.() ?? new Date()).toISOString()));
  await writeFile(json, `${JSON.stringify(document, null, 2)}\n`);
  const log = formatDecisions(comparison);
  const decisions = log === undefined ? undefined : join(options.out, `${name}.decisions.txt`);
  if (log !== undefined && decisions !== undefined) await writeFile(decisions, log);
  if (options.json === true) {
    io.stdout(`${JSON.stringify({ ...document, report: html, json, ...(decisions === undefined ? {} : { decisions }) })}\n`);
    return;
  }
  const from = settings === undefined ? '' : `fleetward runs with the settings of fleet ${settings.fleet} in ${settings.config}\n`;
  const why = decisions === undefined ? '' : `decisions: ${decisions}\n`;
  io.stdout(`${from}${formatComparison(comparison)}\n${formatCost(cost)}\nreport: ${html}\njson: ${json}\n${why}`);
}

export function registerSimulate(program: Command, io: CliIo, run: SimulateRunOptions = {}): void {
  const defaults = DEFAULT_SIM_OPTIONS;
  program
    .command('simulate')
    .description('Replay a demand trace (CSV t_s,value) against fleetward and the baselines; print the metrics, write an HTML report and JSON.')
    .requiredOption('--trace <csv>', 'the trace: a t_s,value header, then seconds and demand')
    .option('--policy <name>', `${POLICY_NAMES.join(', ')}, a comma-separated list, or all`, 'all')
    .option('--target <percent>', 'target utilisation for every policy that has one', targetPercent, 70)
    .option('--sweep', 'instead: each policy at its cheapest target (40-90%) that keeps under-provisioning within 1% of the time')
    .option('--peak-instances <n>', "instances the trace's peak needs", positive('--peak-instances', true), defaults.peakInstances)
    .option('--boot-s <seconds>', 'seconds from launch until an instance serves', nonNegative('--boot-s'), defaults.bootS)
    .option('--step-s <seconds>', 'control step', positive('--step-s', true), defaults.stepS)
    .option('--instance-capacity <units>', 'capacity units one instance serves', positive('--instance-capacity', false), defaults.instanceCapacity)
    .option('--warmup-s <seconds>', 'seconds before metrics count (default: min(14 days, 25% of the trace))', nonNegative('--warmup-s'))
    .option('--out <dir>', 'where the HTML report and the JSON go', 'out/simulate')
    .option('--json', 'print the JSON document instead of the table')
    .option('--config <file>', "run fleetward with a fleet's capacity and scaling settings from this config (its target too, unless --target is given)")
    .option('--fleet <name>', 'the fleet of --config to run (needed when it has more than one)')
    .option('--prices <file>', 'a price table (JSON like functions/core/mix/prices.json) to price instance-hours with (default: the shipped one)')
    .option('--instance-type <type>', "the type instance-hours are priced as (default: the fleet's first type, else m7g.large)")
    .option('--mix', "instead: fleetward on the --config fleet's types and mix section (Spot too) against its cheapest on-demand type, in dollars")
    .option('--spot-interruption-rate <rate>', 'with --mix: Spot interruptions per instance-hour (default 0)', nonNegative('--spot-interruption-rate'))
    .option('--seed <n>', 'with --mix: the seed of the Spot interruptions', nonNegative('--seed'), 1)
    .action(async (options: SimulateOptions, command: Command) => simulate(options, io, run, command.getOptionValueSource('target') === 'cli'));
}
