/** Plain-text formatting shared by the operator commands: tables, ages, times and decision log actions. */
import type { OperatorRequest } from '../../functions/core/model.ts';
import type { DecisionEntry } from '../../functions/ports/index.ts';

/** Left-aligned columns two spaces apart; the last column is not padded. */
export function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** 42s, 17m, 5h, 3d: the largest whole unit, hours up to two days. */
export function age(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 48 * 3600) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

/** ISO 8601 in UTC to the second. */
export function time(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

type Action = DecisionEntry['actions'][number];

/** The command's subject: the last part of its id (an instance, a subnet, a request). */
export const subjectOf = (action: Pick<Action, 'commandId'>) => action.commandId.slice(action.commandId.lastIndexOf('/') + 1);

/** `advance i-0abc: why -> what happened`. */
export function actionLine(action: Action): string {
  return `${action.kind} ${subjectOf(action)}: ${action.reason} -> ${action.outcome}`;
}

/** What a request asks, in a few words: `drain i-0abc`, `evacuate us-east-1a`, `pause`. */
export function requestLabel(request: OperatorRequest): string {
  const subject = request.instanceId ?? request.zone ?? request.subnetId;
  return subject === undefined ? request.kind : `${request.kind} ${subject}`;
}
