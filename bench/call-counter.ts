/**
 * Counting the AWS calls a bench's handler sends: an SDK middleware on each client records
 * `<service> <command>` for every call (not every retried attempt) while counting is on.
 */
import type { HandlerExecutionContext, InitializeHandler, InitializeHandlerArguments, MetadataBearer, Pluggable } from '@smithy/types';

export const DYNAMODB_WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']);

interface ClientWithStack {
  readonly middlewareStack: { use(pluggable: Pluggable<object, MetadataBearer>): void };
}

/** Counts every call (not every retried attempt) a client sends while `counting` is on. */
export function countCalls(client: ClientWithStack, service: string, calls: string[], counting: () => boolean): void {
  client.middlewareStack.use({
    applyToStack: (stack) =>
      stack.add(
        <Output extends MetadataBearer>(next: InitializeHandler<object, Output>, context: HandlerExecutionContext) =>
          (args: InitializeHandlerArguments<object>) => {
            if (counting()) calls.push(`${service} ${context.commandName ?? '?'}`);
            return next(args);
          },
        { step: 'initialize', name: `count-${service}` },
      ),
  });
}

/** How many of the calls are of the service. */
export const tally = (calls: readonly string[], service: string) => calls.filter((call) => call.startsWith(`${service} `)).length;

/** DynamoDB's writes among the calls. */
export const writesOf = (calls: readonly string[]) => calls.filter((call) => call.startsWith('DynamoDB ') && DYNAMODB_WRITES.has(call.split(' ')[1] ?? '')).length;

/** `<service> <command> ×n` for each command, in the order first sent. */
export const byCommand = (calls: readonly string[]) => [...new Set(calls)].map((call) => `${call} ×${calls.filter((c) => c === call).length}`).join(', ');
