/**
 * The fault-injection table: the scaling scenario of test/fakes/fault-scenario.ts through the real
 * handler on moto, without faults and with 10% and 30% of SDK attempts failing (throttling, 5xx,
 * timeouts, lost answers, InsufficientInstanceCapacity), over 100 steps each (`--steps N`,
 * `--seeds N` for more seeds). Prints one row per rate and seed; exits 1 if a row breaks a rule.
 */
import { parseArgs } from 'node:util';
import { startEmulator, useEmulatorEnvironment } from '../dev/moto-server.ts';
import { type ScenarioResult, runFaultScenario } from '../test/fakes/fault-scenario.ts';

const RATES = [0, 0.1, 0.3];
const { values } = parseArgs({ options: { steps: { type: 'string', default: '100' }, seeds: { type: 'string', default: '1' } } });
const steps = Number(values.steps);
const seeds = Number(values.seeds);

process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const emulator = await startEmulator();
useEmulatorEnvironment(emulator.endpoint);

const churn = (run: ScenarioResult) => run.launched + run.terminated;
const rows: string[] = [];
let broken = false;
const started = performance.now();
for (let seed = 1; seed <= seeds; seed += 1) {
  const runs: ScenarioResult[] = [];
  for (const rate of RATES) runs.push(await runFaultScenario(rate, steps, seed));
  const clean = runs[0];
  for (const run of runs) {
    const ok = run.escaped === 0 && run.falseDuplicates === 0 && run.falseAlerts.length === 0 && (run.stepsToConverge ?? Infinity) <= 2 && churn(run) <= churn(clean ?? run);
    broken ||= !ok;
    const converge = run.stepsToConverge === undefined ? '> 5' : String(run.stepsToConverge);
    rows.push(
      `| ${(run.rate * 100).toFixed(0)}% | ${seed} | ${run.steps} | ${run.faultsInjected} | ${run.skipped} | ${run.failed} | ${run.escaped} | ${run.falseDuplicates} | ${run.alerts} | ${run.falseAlerts.length} | ${converge} | ${churn(run)} (${run.launched} + ${run.terminated}) vs ${churn(clean ?? run)} | ${ok ? 'yes' : 'NO'} |`,
    );
  }
}
await emulator.stop();

console.log('| fault rate | seed | steps | faults injected | steps skipped | steps failed | exceptions escaped | false duplicates | alerts | false alerts | clean steps to converge | churn (launched + terminated) vs no faults | holds |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
console.log(`\n${RATES.length * seeds} runs of ${steps} steps in ${((performance.now() - started) / 1000).toFixed(0)} s`);
process.exitCode = broken ? 1 : 0;
