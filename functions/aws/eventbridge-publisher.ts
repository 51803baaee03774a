/** The EventPublisher port on EventBridge: fleetward's events on the default bus, source "fleetward". */
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { FleetwardError } from '../ports/errors.ts';
import type { DetailType } from '../ports/event-types.ts';
import type { EventPublisher } from '../ports/index.ts';

export const EVENT_SOURCE = 'fleetward';

export class EventBridgePublisher implements EventPublisher {
  constructor(private readonly events: EventBridgeClient) {}

  async publish(detailType: DetailType, detail: Record<string, unknown>): Promise<void> {
    const result = await this.events.send(
      new PutEventsCommand({ Entries: [{ Source: EVENT_SOURCE, DetailType: detailType, Detail: JSON.stringify(detail) }] }),
    );
    if ((result.FailedEntryCount ?? 0) > 0) {
      const entry = result.Entries?.find((e) => e.ErrorCode !== undefined);
      throw new FleetwardError(`EventBridge refused the ${detailType} event: ${entry?.ErrorCode ?? 'unknown'} ${entry?.ErrorMessage ?? ''}`.trim());
    }
  }
}
