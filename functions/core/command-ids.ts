/**
 * Every command id and journal key fleetward builds, in one place: the action journal runs a
 * command at most once per id, so these shapes are what makes a retried or crashed step safe.
 */

/** A command decided by step `step`: `<fleet>/<step>/<kind>/<subject>`. */
export const stepCommandId = (fleet: string, step: number, kind: string, subject: string) => `${fleet}/${step}/${kind}/${subject}`;

/** The kind of a warm pool launch's command id: the instances it makes carry it in their command-id tag. */
export const POOL_LAUNCH = 'pool-launch';

/** Whether a command id (an instance's fleetward:command-id tag) is a warm pool launch's. */
export const isPoolLaunch = (commandId: string | undefined) => commandId !== undefined && commandId.split('/')[2] === POOL_LAUNCH;

/** A failover, the same in every step until it is done: `<fleet>/failover/<instance>`. */
export const failoverId = (fleet: string, instanceId: string) => `${fleet}/failover/${instanceId}`;

/** The journal key of one drain's actions, stable across its steps: `<fleet>/drain/<instance>/<start>`. */
export const drainJournalKey = (fleet: string, instanceId: string, startedAtMs: number) => `${fleet}/drain/${instanceId}/${startedAtMs}`;

/** The journal key of a return from maintenance in step `step`: `<fleet>/return/<instance>/<step>`. */
export const returnJournalKey = (fleet: string, instanceId: string, step: number) => `${fleet}/return/${instanceId}/${step}`;

/** One part of a command carried out in several journaled calls: `<parent>/<part>`. */
export const partId = (parentId: string, part: string) => `${parentId}/${part}`;
