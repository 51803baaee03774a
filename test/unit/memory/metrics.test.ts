// Tests of the in-memory metrics: values and functions, per-instance averages, the adapter's missing reasons and look-back, history slices.
import { describe, expect, it } from 'vitest';
import type { MetricConfig } from '../../../functions/core/config.ts';
import { MemoryMetrics, type MetricSource } from '../../../functions/memory/metrics.ts';
import { START_MS } from './fixtures.ts';

const TOTAL: MetricConfig = { namespace: 'AWS/SQS', name: 'Backlog', dimensions: {}, statistic: 'Sum', periodSeconds: 60 };
const CPU: MetricConfig = { namespace: 'AWS/EC2', name: 'CPUUtilization', dimensions: { InstanceId: '{instanceId}' }, statistic: 'Average', periodSeconds: 60 };

describe('MemoryMetrics', () => {
  it('reads a value set for the metric, timestamped at the read', async () => {
    const metrics = new MemoryMetrics();
    metrics.set(TOTAL, 42);
    expect(await metrics.latest(TOTAL, [], START_MS)).toEqual({ kind: 'value', value: 42, timestampMs: START_MS, label: 'Sum AWS/SQS/Backlog' });
  });

  it('averages a per-instance metric over the instances that have a datapoint, as old as the oldest of them', async () => {
    const metrics = new MemoryMetrics();
    const cpu: Record<string, number> = { 'i-1': 20, 'i-2': 60 };
    metrics.set(CPU, ({ nowMs, instanceId }) => {
      const value = cpu[instanceId ?? ''];
      return value === undefined ? undefined : { value, timestampMs: nowMs - (instanceId === 'i-1' ? 120_000 : 60_000) };
    });
    expect(await metrics.latest(CPU, ['i-1', 'i-2', 'i-3'], START_MS)).toEqual({
      kind: 'value',
      value: 40,
      timestampMs: START_MS - 120_000,
      label: 'Average AWS/EC2/CPUUtilization{InstanceId={instanceId}}',
    });
  });

  it.each<[string, MetricSource | undefined, readonly string[], string]>([
    ['nothing set', undefined, ['i-1'], 'no datapoint in the last 10 minutes'],
    ['a datapoint older than the look-back', () => ({ value: 1, timestampMs: START_MS - 600_001 }), ['i-1'], 'no datapoint in the last 10 minutes'],
    ['a function with no datapoint', () => undefined, ['i-1'], 'no datapoint in the last 10 minutes'],
    ['no instance to read a per-instance metric from', 5, [], 'no running instance to read it from'],
  ])('is missing with %s, with the CloudWatch adapter’s reason', async (_what, source, instances, why) => {
    const metrics = new MemoryMetrics();
    metrics.set(CPU, source);
    expect(await metrics.latest(CPU, instances, START_MS)).toEqual({ kind: 'missing', label: 'Average AWS/EC2/CPUUtilization{InstanceId={instanceId}}', why });
  });

  it('keys readings by the whole metric: another statistic is another metric, and unsetting removes it', async () => {
    const metrics = new MemoryMetrics();
    metrics.set(TOTAL, 1);
    expect((await metrics.latest({ ...TOTAL, statistic: 'Maximum' }, [], START_MS)).kind).toBe('missing');
    metrics.set(TOTAL, undefined);
    expect((await metrics.latest(TOTAL, [], START_MS)).kind).toBe('missing');
  });

  it('returns the history from fromMs up to toMs, oldest first, and refuses it for a per-instance metric', async () => {
    const metrics = new MemoryMetrics();
    const at = (minute: number) => ({ timestampMs: START_MS + minute * 60_000, value: minute });
    metrics.setHistory(TOTAL, [at(3), at(0), at(2), at(1), at(4)]);
    expect(await metrics.history(TOTAL, at(1).timestampMs, at(4).timestampMs)).toEqual([at(1), at(2), at(3)]);
    expect(await metrics.history(TOTAL, at(5).timestampMs, at(9).timestampMs)).toEqual([]);
    expect(await metrics.history({ ...TOTAL, name: 'Other' }, 0, START_MS)).toEqual([]);
    await expect(metrics.history(CPU, 0, START_MS)).rejects.toThrow(
      'Average AWS/EC2/CPUUtilization{InstanceId={instanceId}} is read per instance: its history cannot be read for the fleet',
    );
  });
});
