/** Kafka's ids for config resources, config sources and IncrementalAlterConfigs operations. */

/** ConfigResource.Type ids. */
export const ResourceType = {
  TOPIC: 2,
  BROKER: 4,
  BROKER_LOGGER: 8,
  CLIENT_METRICS: 16,
  GROUP: 32,
} as const;

const RESOURCE_TYPE_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(ResourceType).map(([name, id]) => [id, name]),
);

/** The Kafka name of a resource type id, or undefined for an id Kafka does not define. */
export function resourceTypeName(id: number): string | undefined {
  return RESOURCE_TYPE_NAMES.get(id);
}

/** DescribeConfigsResponse ConfigSource ids (v1+). */
export const ConfigSource = {
  TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
} as const;

/** AlterConfigOp.OpType ids. */
export const AlterOp = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;

export const ALTER_OP_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(AlterOp).map(([name, id]) => [id, name]),
);
