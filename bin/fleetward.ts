#!/usr/bin/env -S npx tsx
/**
 * The operator CLI, `fleetward`: one commander program whose subcommands live in
 * bin/commands/. `run` parses and runs one command line and returns its exit code (0 ok, 2 bad
 * input or another fleetward error, 1 unexpected failure), so tests call it in-process.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { FleetwardError } from '../functions/core/errors.ts';
import { registerHistory } from './commands/history.ts';
import { registerIdentityUntagged } from './commands/identity-untagged.ts';
import { registerPlan } from './commands/plan.ts';
import { registerRequests } from './commands/requests.ts';
import { type CliIo, CliError, type RunOptions } from './commands/session.ts';
import { registerStatus } from './commands/status.ts';
import { registerSimulate } from './commands/simulate.ts';

export type { CliIo, RunOptions } from './commands/session.ts';

/** package.json: one directory up from bin/ in a clone, two from dist/bin/ in the built package. */
const MANIFEST = [new URL('../package.json', import.meta.url), new URL('../../package.json', import.meta.url)].find((url) => existsSync(url));
const VERSION = MANIFEST === undefined ? 'unknown' : (JSON.parse(readFileSync(MANIFEST, 'utf8')) as { version: string }).version;

const processIo: CliIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

export function createProgram(io: CliIo, options: RunOptions = {}): Command {
  const program = new Command('fleetward')
    .description('Operate fleetward fleets: status, history, drains, maintenance, evacuations, pause and plan.')
    .version(VERSION, '-V, --version', 'print the version of fleetward')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(add --help for usage)');
  registerStatus(program, io, options);
  registerHistory(program, io, options);
  registerRequests(program, io, options);
  registerPlan(program, io, options);
  registerIdentityUntagged(program, io, options);
  registerSimulate(program, io);
  return program;
}

export async function run(argv: readonly string[], io: CliIo = processIo, options: RunOptions = {}): Promise<number> {
  try {
    await createProgram(io, options).parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    // commander has printed its own message (or the help) already.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof FleetwardError) {
      io.stderr(`error: ${error.message}\n`);
      return error instanceof CliError ? error.exitCode : 2;
    }
    io.stderr(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

const invokedPath = process.argv[1];
if (invokedPath !== undefined && import.meta.url === pathToFileURL(realpathSync(invokedPath)).href) {
  // The notice that AWS SDK releases after January 2027 need Node 22 would follow every command.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.exitCode = await run(process.argv.slice(2));
}
