/**
 * Whether a status-check alarm may fail an instance over. Anyone allowed to create an alarm, or
 * to force one into ALARM with SetAlarmState, could otherwise fail any fleet instance over: only
 * an alarm the fleet owns counts by itself; any other counts once EC2 confirms the failure.
 */
import type { InstanceSignal, ObservedInstance } from './model.ts';

export interface ScreenedSignals {
  readonly accepted: readonly InstanceSignal[];
  /** The alarms ignored, and why. */
  readonly notes: readonly string[];
}

/** Keeps the signals that may act on the instance; a status-check alarm's detail says why it was believed. Pure. */
export function screenSignals(fleet: string, signals: readonly InstanceSignal[], instance: ObservedInstance | undefined): ScreenedSignals {
  const accepted: InstanceSignal[] = [];
  const notes: string[] = [];
  for (const signal of signals) {
    if (signal.kind !== 'status-alarm') accepted.push(signal);
    else if (signal.alarmOwner === fleet) accepted.push({ ...signal, detail: `${signal.detail} (owned by the fleet)` });
    else if (instance?.health === 'impaired') {
      accepted.push({ ...signal, detail: `${signal.detail}, confirmed by DescribeInstanceStatus: its status checks are impaired` });
    } else {
      const health = instance?.health ?? 'unknown';
      notes.push(
        `ignored status check alarm ${signal.detail} on ${signal.instanceId}: the alarm is not the fleet's and DescribeInstanceStatus reports its status checks ${health}`,
      );
    }
  }
  return { accepted, notes };
}
