/**
 * What every operator command shares: its common options, reading the config and the table
 * name, the AWS ports built exactly as the scale function builds them, and printing text or
 * one JSON document. Bad input is a CliError (exit code 2 unless it says otherwise).
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Command } from 'commander';
import type { StepDependencies, StepLogger } from '../../functions/control/run-step.ts';
import { type FleetConfig, type FleetwardConfig } from '../../functions/core/config.ts';
import { parseConfig } from '../../functions/core/config-text.ts';
import { FleetwardError } from '../../functions/core/errors.ts';
import { createAwsClients, createPorts } from '../../functions/handlers/ports.ts';
import type { Clock } from '../../functions/ports/index.ts';
import { explainAwsError } from './aws-errors.ts';

/** Where the CLI writes; the process's streams, or buffers in tests. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** What a caller may hand in instead of what the CLI would read itself. */
export interface RunOptions {
  /** An already validated config: `--config` is not read. */
  readonly config?: FleetwardConfig;
  readonly clock?: Clock;
  /** The environment to read FLEETWARD_TABLE_NAME, FLEETWARD_TOPIC_ARN and FLEETWARD_OWNER from (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** A command given bad input: printed as one line on stderr, exits with `exitCode`. */
export class CliError extends FleetwardError {
  constructor(
    message: string,
    readonly exitCode = 2,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface CommonOptions {
  readonly config: string;
  readonly table?: string;
  readonly json?: boolean;
}

export const DEFAULT_CONFIG_FILE = 'fleetward.config.yaml';

/** Adds the options every command that reads the table takes. */
export function withCommonOptions(command: Command): Command {
  return command
    .option('--config <file>', 'the fleetward config', DEFAULT_CONFIG_FILE)
    .option('--table <name>', "fleetward's DynamoDB table (default: $FLEETWARD_TABLE_NAME)")
    .option('--json', 'print one JSON document instead of text');
}

/** The fleet of that name in the config, or a CliError listing the fleets there are. */
export function fleetNamed(config: FleetwardConfig, name: string): FleetConfig {
  const fleet = config.fleets.find((f) => f.name === name);
  if (fleet === undefined) throw new CliError(`fleet ${name} is not in the config (its fleets: ${config.fleets.map((f) => f.name).join(', ')})`);
  return fleet;
}

/** Reads and validates a config file; unreadable files and invalid configs are CLI errors (exit 2). */
export async function loadConfig(path: string): Promise<FleetwardConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read the config ${path}: ${code === 'ENOENT' ? 'no such file' : String((error as Error).message)}`);
  }
  return parseConfig(text, path);
}

function operatorName(env: RunOptions['env']): string {
  try {
    return userInfo().username;
  } catch {
    return env?.USER ?? 'unknown';
  }
}

/**
 * A step run by the CLI reports its errors through its outcome and the actions the command
 * prints; only its warnings (a lease or a notification that failed) have nowhere else to go.
 */
function stepLogger(io: CliIo): StepLogger {
  return {
    info: () => undefined,
    warn: (message, attributes) => io.stderr(`warning: ${message} ${JSON.stringify(attributes)}\n`),
    error: () => undefined,
  };
}

/** One command's connection to the config, the table and AWS. Close it when done. */
export class Session {
  private constructor(
    readonly config: FleetwardConfig,
    readonly deps: StepDependencies,
    /** Who asks, as recorded in requests and reasons: cli:<user>. */
    readonly operator: string,
    private readonly io: CliIo,
    private readonly json: boolean,
    private readonly clients: ReadonlyArray<{ destroy(): void }>,
    readonly tableName: string,
    /** The region the clients use; rejects when none is configured. */
    readonly region: Promise<string>,
  ) {}

  static async open(options: CommonOptions, io: CliIo, run: RunOptions): Promise<Session> {
    const env = run.env ?? process.env;
    const config = run.config ?? (await loadConfig(options.config));
    const tableName = options.table ?? env.FLEETWARD_TABLE_NAME;
    if (tableName === undefined || tableName === '') {
      throw new CliError('no table name: give --table <name> or set FLEETWARD_TABLE_NAME');
    }
    const topicArn = env.FLEETWARD_TOPIC_ARN;
    const owner = env.FLEETWARD_OWNER;
    const clients = createAwsClients();
    const ports = createPorts({
      config,
      tableName,
      clients,
      ...(topicArn === undefined || topicArn === '' ? {} : { topicArn }),
      ...(owner === undefined || owner === '' ? {} : { owner }),
      ...(run.clock === undefined ? {} : { clock: run.clock }),
      // Without a topic, notifications are only logged: the command prints the same failures itself.
      logger: new Logger({ serviceName: 'fleetward-cli', logLevel: 'SILENT' }),
    });
    const operator = `cli:${operatorName(env)}`;
    const deps = { ...ports, log: stepLogger(io), runId: `${operator}:${randomUUID().slice(0, 8)}` };
    const region = clients.dynamodb.config.region();
    region.catch(() => undefined);
    return new Session(config, deps, operator, io, options.json === true, Object.values(clients), tableName, region);
  }

  get now(): number {
    return this.deps.clock.now();
  }

  /** The fleet of that name in the config, or a CliError listing the fleets there are. */
  fleet(name: string): FleetConfig {
    return fleetNamed(this.config, name);
  }

  /** Prints `data` as JSON with --json, else the text `render` makes of it. */
  print<T>(data: T, render: (data: T) => string): void {
    this.io.stdout(this.json ? `${JSON.stringify(data, null, 2)}\n` : `${render(data)}\n`);
  }

  close(): void {
    for (const client of this.clients) client.destroy();
  }

  /** Opens a session, runs `body` with it, and closes it whatever happens; AWS errors an operator can fix are explained. */
  static async with(options: CommonOptions, io: CliIo, run: RunOptions, body: (session: Session) => Promise<void>): Promise<void> {
    const session = await Session.open(options, io, run);
    try {
      await body(session);
    } catch (error) {
      const region = await session.region.catch(() => undefined);
      const explained = explainAwsError(error, { tableName: session.tableName, region });
      throw explained === undefined ? error : new CliError(explained, 2, { cause: error });
    } finally {
      session.close();
    }
  }
}
