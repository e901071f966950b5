/**
 * IncrementalAlterConfigs (key 44), versions 0-1.
 * Per config: SET (0) and DELETE (1, back to the default) on any topic config; APPEND (2) and
 * SUBTRACT (3) add or remove comma-separated items of list-typed configs (cleanup.policy, the
 * throttled-replica lists), starting from the default when the topic has no override;
 * on any other key they are INVALID_CONFIG ("Can't APPEND to key ... because its type is not
 * LIST."). Unknown keys are INVALID_CONFIG; a DELETE of a key that is not set changes nothing.
 * The resulting set is validated as a whole, applied to the partition logs at once and
 * persisted. BROKER resources accept only no-op DELETEs (no dynamic broker configs).
 * Authorization: ALTER_CONFIGS on the topic (TOPIC_AUTHORIZATION_FAILED) or, for BROKER
 * resources, on the cluster (CLUSTER_AUTHORIZATION_FAILED), with no message, as Kafka.
 * See admin/alter-configs.ts for the order of checks. validate_only changes nothing.
 */
import {
  ApiKey,
  makeIncrementalAlterConfigsResponse,
  makeIncrementalAlterConfigsResponseAlterConfigsResourceResponse,
  readIncrementalAlterConfigsRequest,
  writeIncrementalAlterConfigsResponse,
} from '@tributary/kafka-protocol';
import { alterConfigResources } from '../admin/alter-configs.js';
import { alterConfigsDenied } from '../security/acl/request-authz.js';
import { defineHandler } from './handler.js';

export const incrementalAlterConfigsHandler = defineHandler({
  apiKey: ApiKey.IncrementalAlterConfigs,
  minVersion: 0,
  maxVersion: 1,
  readRequest: readIncrementalAlterConfigsRequest,
  writeResponse: writeIncrementalAlterConfigsResponse,
  async handle(req, ctx) {
    const resources = req.resources.map((r) => ({
      resourceType: r.resourceType,
      resourceName: r.resourceName,
      configs: r.configs.map((c) => ({ name: c.name, value: c.value, op: c.configOperation })),
    }));
    const results = await alterConfigResources(
      ctx.broker,
      resources,
      'incremental',
      req.validateOnly,
      alterConfigsDenied(ctx),
    );
    return makeIncrementalAlterConfigsResponse({
      throttleTimeMs: 0,
      responses: req.resources.map((r, i) =>
        makeIncrementalAlterConfigsResponseAlterConfigsResourceResponse({
          resourceType: r.resourceType,
          resourceName: r.resourceName,
          errorCode: results[i].errorCode,
          errorMessage: results[i].errorMessage,
        }),
      ),
    });
  },
});
