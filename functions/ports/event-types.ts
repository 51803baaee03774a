/** The EventBridge events fleetward publishes (source "fleetward"), by detail-type: each has its JSON Schema in docs/events/. */
export const DETAIL_TYPES = ['Instance Failover', 'Instance Draining', 'Image Refused', 'Image Warning', 'Image Roll'] as const;
export type DetailType = (typeof DETAIL_TYPES)[number];

/** The file in docs/events/ holding a detail-type's schema: `Instance Failover` is instance-failover.schema.json. */
export const schemaFileOf = (detailType: DetailType) => `${detailType.toLowerCase().replace(/ /g, '-')}.schema.json`;
