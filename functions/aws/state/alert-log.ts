/**
 * The AlertLog port on DynamoDB: an alert's key is put only if it was never put, so of any number
 * of runs, concurrent or repeated, exactly one is told it is the first.
 */
import type { AlertLog } from '../../ports/images.ts';
import { alertItem } from '../table-keys.ts';
import type { TableClient } from './table-client.ts';

export class DynamoAlertLog implements AlertLog {
  constructor(private readonly table: TableClient) {}

  async firstTime(fleet: string, key: string, nowMs: number): Promise<boolean> {
    const failure = await this.table.putIf({
      Item: { ...alertItem.key(fleet, key), alertKey: key, firstAtMs: nowMs },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    return failure === undefined;
  }
}
