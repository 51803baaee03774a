/** The Notifier port on SNS: one message per event operators should act on. */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Notifier } from '../ports/index.ts';

/** SNS subjects are at most 100 characters. */
const MAX_SUBJECT = 100;

export class SnsNotifier implements Notifier {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  async notify(subject: string, message: string, details: Record<string, unknown>): Promise<void> {
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: subject.slice(0, MAX_SUBJECT),
        Message: JSON.stringify({ message, ...details }, null, 2),
      }),
    );
  }
}
