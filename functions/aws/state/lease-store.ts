/**
 * The LeaseStore port on DynamoDB: one item per fleet naming the run that holds it and until
 * when, taken, renewed and released with conditional writes. A lease held by another run is
 * named from the item that failed the condition, without reading it again.
 */
import { LeaseHeldError, LeaseLostError } from '../../ports/errors.ts';
import type { LeaseStore } from '../../ports/state.ts';
import { TTL_ATTRIBUTE, leaseItem } from '../table-keys.ts';
import type { TableClient } from './table-client.ts';

/** DynamoDB deletes a lease item this long after it expired. */
const LEASE_ITEM_RETENTION_S = 86_400;

export class DynamoLeaseStore implements LeaseStore {
  constructor(private readonly table: TableClient) {}

  async acquire(fleet: string, owner: string, nowMs: number, ttlMs: number): Promise<void> {
    const expiresAtMs = nowMs + ttlMs;
    const failure = await this.table.putIf({
      Item: { ...leaseItem.key(fleet), owner, expiresAtMs, [TTL_ATTRIBUTE]: Math.floor(expiresAtMs / 1000) + LEASE_ITEM_RETENTION_S },
      ConditionExpression: 'attribute_not_exists(pk) OR expiresAtMs < :now OR #owner = :owner',
      ExpressionAttributeNames: { '#owner': 'owner' },
      ExpressionAttributeValues: { ':now': nowMs, ':owner': owner },
    });
    if (failure === undefined) return;
    const held = this.table.decode(leaseItem.schema, failure.found, `lease of fleet ${fleet}`);
    throw new LeaseHeldError(fleet, held.owner, held.expiresAtMs);
  }

  async renew(fleet: string, owner: string, nowMs: number, ttlMs: number): Promise<void> {
    const failure = await this.table.updateIf({
      Key: leaseItem.key(fleet),
      UpdateExpression: 'SET expiresAtMs = :expires',
      ConditionExpression: '#owner = :owner AND expiresAtMs >= :now',
      ExpressionAttributeNames: { '#owner': 'owner' },
      ExpressionAttributeValues: { ':expires': nowMs + ttlMs, ':owner': owner, ':now': nowMs },
    });
    if (failure !== undefined) throw new LeaseLostError(fleet, owner);
  }

  async release(fleet: string, owner: string): Promise<void> {
    // A lease another run holds now is that run's: failing the condition is the expected outcome.
    await this.table.deleteIf({
      Key: leaseItem.key(fleet),
      ConditionExpression: '#owner = :owner',
      ExpressionAttributeNames: { '#owner': 'owner' },
      ExpressionAttributeValues: { ':owner': owner },
    });
  }
}
