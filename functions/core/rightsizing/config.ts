/**
 * A fleet's rightsizing settings (docs/optimization.md#rightsizing): the utilisation window and
 * percentile it sizes on, the share of the new type that percentile may use, whether memory
 * (published by the CloudWatch agent) must be measured before a type with less memory is chosen,
 * and whether a fleet of more than one waits for a maintenance window.
 */
import * as z from 'zod';

export const rightsizingSchema = z.strictObject({
  /** Days of utilisation history to size on (CloudWatch keeps 5-minute datapoints 63 days). */
  windowDays: z.number().int().min(1).max(63).default(14),
  /** The percentile of the window's 5-minute averages that must fit. */
  percentile: z.number().min(50).max(100).default(95),
  /** At most this share (percent) of the new type's vCPUs and memory may that percentile use. */
  maxUtilizationPercent: z.number().min(10).max(100).default(70),
  /** A fleet of more than one: replace over-sized instances only inside one of the fleet's maintenanceWindows (a singleton always waits for one). */
  inMaintenanceWindow: z.boolean().default(false),
  /** required: no resize without memory datapoints; ignore: size on CPU alone (a smaller type may run out of memory). */
  memory: z.enum(['required', 'ignore']).default('required'),
  /** The memory metric (percent used) per instance, as the CloudWatch agent publishes it with an InstanceId dimension. */
  memoryMetric: z
    .strictObject({ namespace: z.string().min(1).default('CWAgent'), name: z.string().min(1).default('mem_used_percent') })
    .prefault({}),
});

export type RightsizingConfig = z.output<typeof rightsizingSchema>;
