/** The dispatcher's invoker on Lambda: an asynchronous Invoke of the scale function per fleet. */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { FleetStepEvent, FleetStepInvoker } from '../ports/invoker.ts';

export class LambdaInvoker implements FleetStepInvoker {
  constructor(
    private readonly client: LambdaClient,
    private readonly functionName: string,
  ) {}

  async invoke(event: FleetStepEvent): Promise<void> {
    const response = await this.client.send(
      new InvokeCommand({ FunctionName: this.functionName, InvocationType: 'Event', Payload: new TextEncoder().encode(JSON.stringify(event)) }),
    );
    // An accepted asynchronous invocation answers 202; anything else did not queue it.
    if (response.StatusCode !== 202) throw new Error(`Lambda answered ${String(response.StatusCode)} to an asynchronous invocation of ${this.functionName}`);
  }
}
