/**
 * The LocalStack target: LocalStack community on the host for everything it serves offline, and
 * plain moto server for DynamoDB, which LocalStack cannot start without downloading it.
 */
import type { TestProject } from 'vitest/node';
import { startLocalStack } from '../../dev/localstack-server.ts';
import { startEmulator } from '../../dev/moto-server.ts';
import type { EmulatorTarget } from '../integration/emulator-target.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    localstackEndpoint: string;
    dynamodbEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  const moto = await startEmulator();
  const localstack = await startLocalStack().catch(async (error: unknown) => {
    await moto.stop();
    throw error;
  });
  project.provide('localstackEndpoint', localstack.endpoint);
  project.provide('dynamodbEndpoint', moto.endpoint);
  const target: EmulatorTarget = 'localstack';
  project.provide('emulatorTarget', target);
  return async () => {
    await localstack.stop();
    await moto.stop();
  };
}
