/**
 * AWS errors an operator can fix, said in their terms: which table in which region is missing,
 * or that no region is set at all, and what to do about it. Other errors pass through unchanged.
 */
export interface AwsTarget {
  readonly tableName: string;
  /** The region the clients resolved, or undefined when none is configured. */
  readonly region: string | undefined;
}

const errorName = (error: unknown) => (error instanceof Error ? error.name : '');
const causes = function* (error: unknown): Generator<unknown> {
  for (let current = error; current !== undefined && current !== null; current = (current as { cause?: unknown }).cause) yield current;
};

/** What to tell the operator, or undefined when the error is not one they can fix. */
export function explainAwsError(error: unknown, target: AwsTarget): string | undefined {
  if (target.region === undefined) {
    return 'no AWS region is configured: set AWS_REGION (or use a profile that has a region) to the region fleetward is deployed in';
  }
  for (const cause of causes(error)) {
    if (errorName(cause) === 'ResourceNotFoundException') {
      return `table ${target.tableName} does not exist in ${target.region}: check --table (or FLEETWARD_TABLE_NAME, the stack's TableName output) and AWS_REGION`;
    }
    if (errorName(cause) === 'UnrecognizedClientException' || errorName(cause) === 'InvalidClientTokenId') {
      return `AWS rejected the credentials in ${target.region} (${(cause as Error).message}): check AWS_PROFILE or the AWS_ACCESS_KEY_ID in use`;
    }
  }
  return undefined;
}
