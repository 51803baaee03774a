/**
 * A CloudWatch client that never leaves the process: GetMetricData is answered from a function
 * of each query's metric, and every request is recorded, so tests and the metric-cost bench count
 * the metrics a read requests (what GetMetricData is billed by) and the calls it takes.
 */
import { CloudWatchClient, type GetMetricDataCommandInput, type GetMetricDataCommandOutput, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import type { HandlerExecutionContext, InitializeHandlerArguments } from '@smithy/types';

/** The value a query's metric has at the request's end time; undefined: no datapoint. */
export type Answer = (query: MetricDataQuery) => number | undefined;

export interface RecordingCloudWatch {
  readonly client: CloudWatchClient;
  /** Every GetMetricData request, in order. */
  readonly requests: GetMetricDataCommandInput[];
  /** The metrics requested over every request: one per MetricStat query, as billed. */
  readonly metricsRequested: () => number;
}

function answerOf(input: GetMetricDataCommandInput, answer: Answer): GetMetricDataCommandOutput {
  const end = input.EndTime instanceof Date ? input.EndTime : new Date(input.EndTime ?? 0);
  const results = (input.MetricDataQueries ?? []).map((query) => {
    const value = answer(query);
    return { Id: query.Id, StatusCode: 'Complete' as const, Timestamps: value === undefined ? [] : [new Date(end.getTime() - 60_000)], Values: value === undefined ? [] : [value] };
  });
  return { MetricDataResults: results, $metadata: {} };
}

export function recordingCloudWatch(answer: Answer): RecordingCloudWatch {
  const client = new CloudWatchClient({ region: 'us-east-1', credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' } });
  const requests: GetMetricDataCommandInput[] = [];
  client.middlewareStack.add(
    (_next, context: HandlerExecutionContext) => async (args: InitializeHandlerArguments<object>) => {
      if (context.commandName !== 'GetMetricDataCommand') throw new Error(`the recording CloudWatch answers GetMetricData only, not ${context.commandName ?? '?'}`);
      const input = args.input as GetMetricDataCommandInput;
      requests.push(input);
      return { output: answerOf(input, answer), response: {} };
    },
    { step: 'initialize', name: 'recordingCloudWatch' },
  );
  const metricsRequested = () => requests.reduce((sum, request) => sum + (request.MetricDataQueries ?? []).filter((query) => query.MetricStat !== undefined).length, 0);
  return { client, requests, metricsRequested };
}
