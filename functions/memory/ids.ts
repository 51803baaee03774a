/** EC2-shaped resource ids for the in-memory ports: a prefix and 17 hex digits, in creation order. */
export class IdSequence {
  private issued = 0;

  next(prefix: string): string {
    this.issued += 1;
    return `${prefix}-${this.issued.toString(16).padStart(17, '0')}`;
  }
}
