/**
 * The ActionJournal port on DynamoDB: a command is put as started only if it was never journaled,
 * and the entry an earlier run left comes back from the failed condition itself. Entries expire
 * after ACTION_RETENTION_DAYS.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Command } from '../../core/model.ts';
import { ACTION_RETENTION_DAYS, type ActionJournal, type ActionRecord, type ActionState } from '../../ports/state.ts';
import { TTL_ATTRIBUTE, actionItem } from '../table-keys.ts';
import type { TableClient } from './table-client.ts';

export class DynamoActionJournal implements ActionJournal {
  constructor(private readonly table: TableClient) {}

  async begin(fleet: string, command: Command, nowMs: number): Promise<ActionRecord | undefined> {
    const failure = await this.table.putIf({
      Item: {
        ...actionItem.key(fleet, command.id),
        commandId: command.id,
        kind: command.kind,
        state: 'started' satisfies ActionState,
        reason: command.reason,
        instanceIds: [],
        startedAtMs: nowMs,
        [TTL_ATTRIBUTE]: Math.floor(nowMs / 1000) + ACTION_RETENTION_DAYS * 86_400,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    return failure === undefined ? undefined : this.table.decode(actionItem.schema, failure.found, `journal entry ${command.id} of fleet ${fleet}`);
  }

  async finish(fleet: string, commandId: string, state: Exclude<ActionState, 'started'>, instanceIds: readonly string[], detail: string): Promise<void> {
    await this.table.client.send(
      new UpdateCommand({
        TableName: this.table.name,
        Key: actionItem.key(fleet, commandId),
        UpdateExpression: 'SET #state = :state, instanceIds = :ids, detail = :detail',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':state': state, ':ids': [...instanceIds], ':detail': detail },
      }),
    );
  }
}
