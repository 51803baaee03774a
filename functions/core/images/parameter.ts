/**
 * A launch template's `resolve:ssm:` image: the SSM parameter it names (with an optional :version
 * or :label selector), which EC2 resolves at launch and the gate resolves before it.
 */

export const RESOLVE_SSM = 'resolve:ssm:';

/** The parameter name of a `resolve:ssm:<name>[:<version or label>]` image id; undefined for another id. */
export function parameterOf(imageId: string | undefined): { readonly name: string; readonly selector: string } | undefined {
  if (imageId?.startsWith(RESOLVE_SSM) !== true) return undefined;
  const selector = imageId.slice(RESOLVE_SSM.length);
  return { name: selector.split(':')[0] ?? selector, selector };
}
