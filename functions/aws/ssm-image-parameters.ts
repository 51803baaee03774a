/**
 * An image id from an SSM parameter (GetParameter): a roll's source, or a launch template's
 * `resolve:ssm:` image. A parameter (or version) that does not exist is undefined; any other
 * error (no permission) is thrown.
 */
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';

const NOT_FOUND = new Set(['ParameterNotFound', 'ParameterVersionNotFound']);

export class SsmImageParameters {
  constructor(private readonly ssm: SSMClient) {}

  /** The parameter's value when it is an image id (ami-…); `selector` is the name, optionally :version or :label. */
  async imageIdOf(selector: string): Promise<string | undefined> {
    try {
      const result = await this.ssm.send(new GetParameterCommand({ Name: selector }));
      const value = result.Parameter?.Value;
      return value?.startsWith('ami-') === true ? value : undefined;
    } catch (error) {
      if (error instanceof Error && NOT_FOUND.has(error.name)) return undefined;
      throw error;
    }
  }
}
