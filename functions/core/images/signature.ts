/**
 * The approval signature's canonical text: what the approval pipeline signs and fleetward
 * verifies. One line, so a pipeline can produce it with printf.
 */

export const SIGNATURE_VERSION = 'fleetward-image-approval/v1';

/** The signed text: `fleetward-image-approval/v1 <image id> <creation date as EC2 reports it>`. */
export function signedText(imageId: string, creationDate: string): string {
  return `${SIGNATURE_VERSION} ${imageId} ${creationDate}`;
}
