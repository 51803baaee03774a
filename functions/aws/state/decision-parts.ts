/**
 * How a decision log entry fits DynamoDB's 400 KB item limit whatever the fleet's size: its
 * actions are packed by their encoded size, the first pack in the entry's own item (kept small,
 * so that reading the newest entry every step stays cheap), the rest in part items of at most
 * PART_BYTES each. The entry's item counts its parts; reading puts the actions back in order.
 */
import type { DecisionEntry } from '../../ports/state.ts';

type Action = DecisionEntry['actions'][number];

/** Encoded bytes of actions kept in the entry's own item, with the entry's other fields well under the limit. */
export const ENTRY_ACTION_BYTES = 32 * 1024;
/** Encoded bytes of actions in one part item: under 400 KB with the key and room to spare. */
export const PART_BYTES = 300 * 1024;

/** An action's size as DynamoDB counts it, over-estimated: its JSON text (names, values and punctuation) in UTF-8. */
const encodedBytes = (action: Action) => Buffer.byteLength(JSON.stringify(action), 'utf8');

/** The actions in order, cut into packs: the first of at most firstBytes, then of at most PART_BYTES (an action is never split). */
export function packActions(actions: readonly Action[], firstBytes = ENTRY_ACTION_BYTES): Action[][] {
  const packs: Action[][] = [[]];
  let used = 0;
  for (const action of actions) {
    const bytes = encodedBytes(action);
    const budget = packs.length === 1 ? firstBytes : PART_BYTES;
    const current = packs[packs.length - 1] ?? [];
    if (current.length > 0 && used + bytes > budget) {
      packs.push([action]);
      used = bytes;
    } else {
      current.push(action);
      used += bytes;
    }
  }
  return packs;
}
