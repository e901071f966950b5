/**
 * The shared body of AlterConfigs (33, full replacement of a resource's settings) and
 * IncrementalAlterConfigs (44, SET/DELETE/APPEND/SUBTRACT), in Kafka's order of checks
 * (ConfigAdminManager.preprocess, then ConfigurationControlManager):
 *  1. a resource named twice: INVALID_REQUEST for each occurrence;
 *  2. a config key named twice in one resource, or a null value (outside DELETE): INVALID_REQUEST;
 *  then authorization (`denied`, the handler's ACL check: as Kafka's controller, after the
 *     request's shape and before any validation of the values);
 *  3. BROKER: the name must be "" or this node id; Tributary has no dynamic broker configs, so
 *     any change is refused with INVALID_REQUEST (as Kafka refuses read-only broker configs);
 *  4. TOPIC: name checks, the new set of overrides computed and validated as a whole
 *     (INVALID_CONFIG), then the topic's existence; applied to the partition logs at once.
 */
import { ErrorCode } from '@tributary/kafka-protocol';
import type { BrokerContext } from '../context.js';
import { TOPIC_CONFIG_BY_NAME, defaultTopicConfigValue } from '../config/topic-configs.js';
import type { AdminResult } from '../topics/topic-manager.js';
import { topicNameProblem } from '../topics/topic-name.js';
import { ALTER_OP_NAMES, AlterOp, ResourceType, resourceTypeName } from './config-constants.js';
import { duplicateIndexes } from './duplicates.js';

export interface AlterConfig {
  name: string;
  value: string | null;
  /** AlterOp id; AlterConfigs (33) sends every entry as SET. */
  op: number;
}

export interface AlterResource {
  resourceType: number;
  resourceName: string;
  configs: AlterConfig[];
}

export type AlterMode = 'replace' | 'incremental';

const OK: AdminResult = { errorCode: ErrorCode.NONE, errorMessage: null };

function invalidRequest(message: string): AdminResult {
  return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: message };
}

/** Duplicate keys, null values and unknown operations: problems of the request's shape. */
export function configShapeProblem(
  configs: readonly AlterConfig[],
  mode: AlterMode,
): AdminResult | null {
  if (duplicateIndexes(configs.map((c) => c.name)).size > 0) {
    return invalidRequest('Error due to duplicate config keys');
  }
  const nulls = configs.filter(
    (c) => c.value === null && (mode === 'replace' || c.op !== AlterOp.DELETE),
  );
  if (nulls.length > 0) {
    return invalidRequest(`Null value not supported for : ${nulls.map((c) => c.name).join(', ')}`);
  }
  const unknownOp = configs.find((c) => !ALTER_OP_NAMES.has(c.op));
  if (unknownOp) return invalidRequest(`Unknown operations type ${unknownOp.op}`);
  return null;
}

/** BROKER resources: "" (cluster default) or this node; nothing is dynamically changeable. */
export function brokerAlterResult(
  nodeId: number,
  resource: AlterResource,
  mode: AlterMode,
): AdminResult {
  const name = resource.resourceName;
  if (name !== '') {
    if (!/^-?\d+$/.test(name))
      return invalidRequest(`Node id must be an integer, but it is: ${name}`);
    if (Number(name) !== nodeId) {
      return invalidRequest(`Unexpected broker id, expected ${nodeId}, but received ${name}`);
    }
  }
  // Deleting a dynamic config that is not set changes nothing; so does replacing none with none.
  const changed = resource.configs.filter((c) => mode === 'replace' || c.op !== AlterOp.DELETE);
  if (changed.length === 0) return OK;
  return invalidRequest(
    `Cannot update these configs dynamically: ${changed.map((c) => c.name).join(', ')}. ` +
      'Tributary has no dynamic broker configs; set them in the broker properties and restart it.',
  );
}

/**
 * Kafka's incremental operations on top of a topic's current overrides. APPEND and SUBTRACT
 * work on list-typed keys only; they start from the current value, or the default when the
 * topic does not override the key.
 */
export function applyIncrementalOps(
  current: ReadonlyMap<string, string>,
  configs: readonly AlterConfig[],
  defaultValue: (name: string) => string | undefined,
): Map<string, string | null> | AdminResult {
  const next = new Map<string, string | null>(current);
  for (const c of configs) {
    switch (c.op) {
      case AlterOp.SET:
        next.set(c.name, c.value);
        break;
      case AlterOp.DELETE:
        next.delete(c.name);
        break;
      default: {
        if (TOPIC_CONFIG_BY_NAME.get(c.name)?.type !== 'list') {
          return {
            errorCode: ErrorCode.INVALID_CONFIG,
            errorMessage: `Can't ${ALTER_OP_NAMES.get(c.op)} to key ${c.name} because its type is not LIST.`,
          };
        }
        const parts = (next.get(c.name) ?? defaultValue(c.name) ?? '')
          .split(',')
          .filter((p) => p !== '');
        for (const item of (c.value ?? '').split(',')) {
          if (c.op === AlterOp.APPEND) {
            if (!parts.includes(item)) parts.push(item);
          } else {
            const at = parts.indexOf(item);
            if (at >= 0) parts.splice(at, 1);
          }
        }
        next.set(c.name, parts.join(','));
      }
    }
  }
  return next;
}

async function alterTopic(
  broker: BrokerContext,
  resource: AlterResource,
  mode: AlterMode,
  validateOnly: boolean,
): Promise<AdminResult> {
  const name = resource.resourceName;
  if (name === '') return invalidRequest('Default topic resources are not allowed.');
  const nameProblem = topicNameProblem(name);
  if (nameProblem)
    return { errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, errorMessage: nameProblem };
  const defaultValue = (key: string): string | undefined => {
    const def = TOPIC_CONFIG_BY_NAME.get(key);
    return def && defaultTopicConfigValue(broker.config, def);
  };
  return broker.topics.alterConfigs(
    name,
    (current) =>
      mode === 'replace'
        ? new Map(resource.configs.map((c) => [c.name, c.value]))
        : applyIncrementalOps(current, resource.configs, defaultValue),
    validateOnly,
  );
}

/** One result per resource, in request order. */
export async function alterConfigResources(
  broker: BrokerContext,
  resources: readonly AlterResource[],
  mode: AlterMode,
  validateOnly: boolean,
  denied: (resource: AlterResource) => AdminResult | null = () => null,
): Promise<AdminResult[]> {
  const duplicates = duplicateIndexes(resources.map((r) => `${r.resourceType}:${r.resourceName}`));
  return Promise.all(
    resources.map(async (resource, i): Promise<AdminResult> => {
      if (duplicates.has(i)) return invalidRequest('Each resource must appear at most once.');
      const shape = configShapeProblem(resource.configs, mode);
      if (shape) return shape;
      const refused = denied(resource);
      if (refused) return refused;
      switch (resource.resourceType) {
        case ResourceType.TOPIC:
          return alterTopic(broker, resource, mode, validateOnly);
        case ResourceType.BROKER:
          return brokerAlterResult(broker.config.nodeId, resource, mode);
        default: {
          const typeName = resourceTypeName(resource.resourceType);
          return invalidRequest(
            typeName
              ? `${typeName} configs are not supported by this broker`
              : `Unknown resource type ${resource.resourceType}`,
          );
        }
      }
    }),
  );
}
