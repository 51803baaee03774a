/**
 * Secrets in user data: which pattern matched and where (line and column, from 1), never the
 * matched text, so a finding can be logged, alerted and stored without leaking the secret.
 */

export interface SecretMatch {
  readonly pattern: string;
  readonly line: number;
  readonly column: number;
}

/** Named patterns, most specific first; a later pattern does not report text an earlier one matched. */
export const SECRET_PATTERNS: ReadonlyArray<{ readonly name: string; readonly regex: RegExp }> = [
  { name: 'private key', regex: /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----/g },
  { name: 'AWS access key id', regex: /\b(?:AKIA|ASIA|AIDA|AROA)[A-Z0-9]{16}\b/g },
  { name: 'AWS secret access key', regex: /aws_?secret_?access_?key\s*["']?\s*[=:]\s*["']?[A-Za-z0-9/+=]{40}\b/gi },
  { name: 'GitHub token', regex: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b/g },
  { name: 'Slack token', regex: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g },
  { name: 'password or token assignment', regex: /(?:password|passwd|secret|api_?key|auth_?token|access_?token)\s*["']?\s*[=:]\s*["']?[^\s"'$]{8,}/gi },
];

function positionOf(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, index);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: index - lineStart + 1 };
}

/** Every secret-looking text in `text`, in order of position. */
export function scanSecrets(text: string): SecretMatch[] {
  const claimed: Array<[number, number]> = [];
  const matches: Array<SecretMatch & { index: number }> = [];
  for (const { name, regex } of SECRET_PATTERNS) {
    for (const match of text.matchAll(regex)) {
      const start = match.index;
      const end = start + match[0].length;
      if (claimed.some(([from, to]) => start < to && end > from)) continue;
      claimed.push([start, end]);
      matches.push({ pattern: name, ...positionOf(text, start), index: start });
    }
  }
  return matches.sort((a, b) => a.index - b.index).map(({ pattern, line, column }) => ({ pattern, line, column }));
}
