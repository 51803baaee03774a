/**
 * A singleton's resize, as the end of its drain and its return: tagged as in maintenance (a lost
 * record then leaves it alone), stopped, given its new type while stopped, started, and brought
 * back through the return's status checks and registration. Each step reads where EC2 stands, so
 * a run that died after any action picks up from there.
 */
import type { DrainProgress } from '../lifecycle.ts';
import type { DrainAction, DrainState, ObservedInstance } from '../model.ts';

const targetOf = (drain: DrainState, instance: ObservedInstance) => drain.resizeTo ?? instance.instanceType;

/** Once drained: stop it, or, stopped, change its type and start it. */
export function resizeDrained(drain: DrainState, instance: ObservedInstance, actions: readonly DrainAction[], done: string): DrainProgress {
  const to = targetOf(drain, instance);
  const change = `${instance.instanceType} -> ${to}`;
  if (instance.state === 'stopped') {
    const modify: DrainAction[] = instance.instanceType === to ? [] : ['modify-type'];
    return { actions: [...actions, ...modify, 'start'], next: drain, lifecycle: 'returning', reason: `${done}stopped: type ${change}; starting it` };
  }
  if (instance.state === 'stopping') return { actions, next: drain, reason: `${done}waiting for it to stop (type ${change} next)` };
  if (instance.instanceType === to) return { actions, next: drain, lifecycle: 'returning', reason: `${done}it already is a ${to}: returning` };
  return { actions: [...actions, 'mark-maintenance', 'stop'], next: drain, reason: `${done}drained: stopping it to change its type ${change}` };
}

/** A resize's return while its instance is still stopped: change the type if not yet done, and start it. */
export function resizeStart(drain: DrainState, instance: ObservedInstance): DrainProgress {
  const to = targetOf(drain, instance);
  const modify: DrainAction[] = instance.instanceType === to ? [] : ['modify-type'];
  return { actions: [...modify, 'start'], next: drain, reason: instance.instanceType === to ? `starting it as a ${to}` : `type ${instance.instanceType} -> ${to}; starting it` };
}
