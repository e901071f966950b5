/**
 * AlterConfigs (key 33), versions 0-2.
 * Legacy full replacement: a TOPIC resource's overrides become exactly the configs given
 * (keys left out return to their defaults); validated as a whole (INVALID_CONFIG), applied to
 * the partition logs at once and persisted. BROKER resources accept no change (Tributary has
 * no dynamic broker configs): INVALID_REQUEST unless the list is empty. Other types, repeated
 * resources or keys and null values are INVALID_REQUEST. See admin/alter-configs.ts for the
 * order of checks. validate_only checks without changing anything.
 * Authorization: ALTER_CONFIGS on the topic (TOPIC_AUTHORIZATION_FAILED) or, for BROKER
 * resources, on the cluster (CLUSTER_AUTHORIZATION_FAILED), with no message, as Kafka.
 */
import {
  ApiKey,
  makeAlterConfigsResponse,
  makeAlterConfigsResponseAlterConfigsResourceResponse,
  readAlterConfigsRequest,
  writeAlterConfigsResponse,
} from '@tributary/kafka-protocol';
import { alterConfigResources } from '../admin/alter-configs.js';
import { AlterOp } from '../admin/config-constants.js';
import { alterConfigsDenied } from '../security/acl/request-authz.js';
import { defineHandler } from './handler.js';

export const alterConfigsHandler = defineHandler({
  apiKey: ApiKey.AlterConfigs,
  minVersion: 0,
  maxVersion: 2,
  readRequest: readAlterConfigsRequest,
  writeResponse: writeAlterConfigsResponse,
  async handle(req, ctx) {
    const resources = req.resources.map((r) => ({
      resourceType: r.resourceType,
      resourceName: r.resourceName,
      configs: r.configs.map((c) => ({ name: c.name, value: c.value, op: AlterOp.SET })),
    }));
    const results = await alterConfigResources(
      ctx.broker,
      resources,
      'replace',
      req.validateOnly,
      alterConfigsDenied(ctx),
    );
    return makeAlterConfigsResponse({
      throttleTimeMs: 0,
      responses: req.resources.map((r, i) =>
        makeAlterConfigsResponseAlterConfigsResourceResponse({
          resourceType: r.resourceType,
          resourceName: r.resourceName,
          errorCode: results[i].errorCode,
          errorMessage: results[i].errorMessage,
        }),
      ),
    });
  },
});
