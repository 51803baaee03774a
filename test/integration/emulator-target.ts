/** Which emulator the integration tests run against, as the global setups provide it to the tests. */

/** moto through the test launcher (the default), another endpoint given by AWS_ENDPOINT_URL, or LocalStack community with DynamoDB on moto. */
export type EmulatorTarget = 'moto-launcher' | 'external' | 'localstack';

declare module 'vitest' {
  export interface ProvidedContext {
    emulatorTarget: EmulatorTarget;
  }
}
