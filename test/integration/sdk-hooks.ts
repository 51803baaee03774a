/**
 * Middleware the moto tests put on the harness's SDK clients: counting calls by command, and a
 * crash right after a chosen command or after the n-th call (every later call fails, as if the
 * Lambda died there).
 */
import type { FleetHarness } from './harness.ts';

type Handler = (args: unknown) => Promise<unknown>;
/** The part of an SDK client's middleware stack these hooks use, whatever the client. */
interface Stack {
  add(middleware: (next: Handler, context: { commandName?: string }) => Handler, options: { step: 'initialize'; name: string }): void;
  remove(name: string): boolean;
}
type Client = { middlewareStack: unknown };
const stackOf = (client: Client) => client.middlewareStack as Stack;

/** Every client the handler acts through. */
export const clientsOf = (fleet: FleetHarness): Client[] => [fleet.ec2, fleet.elbv2, fleet.dynamodb, fleet.eventbridge];

/** Counts the calls the clients make, by command name. */
export function countCalls(clients: readonly Client[]): Map<string, number> {
  const calls = new Map<string, number>();
  for (const client of clients) {
    stackOf(client).add(
      (next, context) => async (args) => {
        const result = await next(args);
        calls.set(context.commandName ?? '', (calls.get(context.commandName ?? '') ?? 0) + 1);
        return result;
      },
      { step: 'initialize', name: 'countCalls' },
    );
  }
  return calls;
}

/** Every call on the clients fails once `command` has returned: the Lambda died right there. */
export function crashAfter(clients: readonly Client[], command: string) {
  let crashed = false;
  for (const client of clients) {
    stackOf(client).add(
      (next, context) => async (args) => {
        if (crashed) throw new Error(`simulated crash after ${command}`);
        const result = await next(args);
        if (context.commandName === command) crashed = true;
        return result;
      },
      { step: 'initialize', name: 'crash' },
    );
  }
  return {
    crashed: () => crashed,
    recover: () => clients.forEach((client) => stackOf(client).remove('crash')),
  };
}

/** Every call on the clients fails once `calls` of them have returned (counted together, in order): the Lambda died there. */
export function crashAfterCalls(clients: readonly Client[], calls: number) {
  const made: string[] = [];
  for (const client of clients) {
    stackOf(client).add(
      (next, context) => async (args) => {
        if (made.length >= calls) throw new Error(`simulated crash after call ${calls} (${made.at(-1) ?? 'none'})`);
        const result = await next(args);
        made.push(context.commandName ?? '');
        return result;
      },
      { step: 'initialize', name: 'crashAfterCalls' },
    );
  }
  return {
    /** The calls that returned before the crash, in order. */
    made,
    recover: () => clients.forEach((client) => stackOf(client).remove('crashAfterCalls')),
  };
}
