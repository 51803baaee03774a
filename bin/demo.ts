/**
 * `npm start`: runs fleetward's scale handler on a demo fleet in the local emulator (or at
 * AWS_ENDPOINT_URL) for a while, then prints one summary line; with --keep, leaves the emulator
 * running and prints the CLI command that inspects the fleet.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { inspectCommand, runDemo } from '../dev/demo.ts';
import { startEmulator, useEmulatorEnvironment } from '../dev/moto-server.ts';

function positiveNumber(name: string) {
  return (value: string) => {
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError(`${name} must be a positive number of seconds, got "${value}"`);
    return parsed;
  };
}

const program = new Command()
  .name('npm start --')
  .description('Scale a demo fleet in the local AWS emulator with the real fleetward handler.')
  .option('--duration <seconds>', 'how long to run', positiveNumber('--duration'), 60)
  .option('--step-interval <seconds>', 'real seconds per control step (one simulated minute)', positiveNumber('--step-interval'), 1)
  .option('--keep', 'leave the emulator running afterwards and print the CLI command to inspect the fleet')
  .showHelpAfterError();

async function main() {
  const options = program.parse().opts<{ duration: number; stepInterval: number; keep?: boolean }>();
  const steps = Math.max(1, Math.floor(options.duration / options.stepInterval));
  // The demo prints its own view: no EMF metric lines, and no notice that AWS SDK releases
  // after January 2027 need Node 22 (the Lambda functions already run on Node 22).
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const emulator = await startEmulator();
  useEmulatorEnvironment(emulator.endpoint);
  const stop = async () => {
    await emulator.stop();
    process.exit(130);
  };
  process.once('SIGINT', () => void stop());
  console.log(`emulator: ${emulator.owned ? `moto server started at ${emulator.endpoint}` : `using ${emulator.endpoint}`}`);
  let keep = false;
  try {
    const summary = await runDemo({ steps, intervalMs: options.stepInterval * 1000, print: (line) => console.log(line) });
    console.log(`summary: steps=${summary.steps} launched=${summary.launched} terminated=${summary.terminated}`);
    if (options.keep === true) {
      const configPath = join(tmpdir(), 'fleetward-demo.config.json');
      writeFileSync(configPath, JSON.stringify(summary.config, null, 2));
      console.log(`the emulator keeps running at ${emulator.endpoint}${emulator.owned ? ' until Ctrl-C' : ''}; inspect the demo fleet with:`);
      console.log(`  ${inspectCommand(emulator.endpoint, configPath)}`);
      keep = emulator.owned;
    }
  } finally {
    if (!keep) await emulator.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`fleetward demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
