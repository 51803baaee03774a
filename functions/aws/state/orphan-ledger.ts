/**
 * The OrphanLedger port on DynamoDB: one item per reported instance, put only if absent, so that
 * concurrent runs report each instance once. Items expire after ORPHAN_REMINDER_DAYS: an orphan
 * still running then is reported again.
 */
import { ORPHAN_REMINDER_DAYS, type OrphanLedger } from '../../ports/state.ts';
import { TTL_ATTRIBUTE, orphanItem } from '../table-keys.ts';
import type { TableClient } from './table-client.ts';

export class DynamoOrphanLedger implements OrphanLedger {
  constructor(private readonly table: TableClient) {}

  /** One query for those reported already, then one conditional put per new one. */
  async claim(instanceIds: readonly string[], nowMs: number): Promise<readonly string[]> {
    if (instanceIds.length === 0) return [];
    const { pk, skPrefix } = orphanItem.prefix;
    const reported = new Set((await this.table.queryPrefix(pk, skPrefix)).map((item) => orphanItem.instanceIdOf(String(item.sk))));
    const claimed: string[] = [];
    for (const instanceId of instanceIds.filter((id) => !reported.has(id))) {
      const failure = await this.table.putIf({
        Item: { ...orphanItem.key(instanceId), reportedAtMs: nowMs, [TTL_ATTRIBUTE]: Math.floor(nowMs / 1000) + ORPHAN_REMINDER_DAYS * 86_400 },
        ConditionExpression: 'attribute_not_exists(pk)',
      });
      if (failure === undefined) claimed.push(instanceId);
    }
    return claimed;
  }
}
