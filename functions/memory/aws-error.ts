/**
 * An error named by its AWS error code, as the SDK names its service exceptions, so that code
 * reading `name` (or the launch rules reading the code) treats the in-memory ports' errors alike.
 */
export class AwsApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}
