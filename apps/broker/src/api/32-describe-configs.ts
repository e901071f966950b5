/**
 * DescribeConfigs (key 32), versions 0-4.
 * TOPIC (2) resources: every topic config with its effective value (see admin/config-entries:
 * source is TOPIC_CONFIG for an override, else that of the broker synonym); an invalid name is
 * INVALID_TOPIC_EXCEPTION, an unknown topic UNKNOWN_TOPIC_OR_PARTITION.
 * BROKER (4) resources: "<node id>" lists this broker's (read-only, static) configs; "" the
 * cluster-wide dynamic defaults, of which there are none; another name is INVALID_REQUEST
 * with Kafka's message. Other resource types are INVALID_REQUEST.
 * configuration_keys null or empty means all keys; unknown keys are left out.
 * Authorization (as Kafka): DESCRIBE_CONFIGS on the topic (TOPIC_AUTHORIZATION_FAILED), on the
 * group (GROUP_AUTHORIZATION_FAILED) or, for broker resources, on the cluster
 * (CLUSTER_AUTHORIZATION_FAILED), with no configs.
 * Version notes: v0 reports is_default (source DEFAULT_CONFIG) instead of config_source;
 * v1+ include_synonyms; v3+ include_documentation and config_type.
 */
import {
  ApiKey,
  ErrorCode,
  makeDescribeConfigsResponse,
  makeDescribeConfigsResponseDescribeConfigsResourceResult,
  makeDescribeConfigsResponseDescribeConfigsResult,
  makeDescribeConfigsResponseDescribeConfigsSynonym,
  readDescribeConfigsRequest,
  writeDescribeConfigsResponse,
  type DescribeConfigsRequestDescribeConfigsResource,
  type DescribeConfigsResponseDescribeConfigsResult,
} from '@tributary/kafka-protocol';
import { ConfigSource, ResourceType, resourceTypeName } from '../admin/config-constants.js';
import {
  brokerConfigEntries,
  topicConfigEntries,
  type ConfigEntry,
} from '../admin/config-entries.js';
import type { BrokerContext } from '../context.js';
import {
  AUTHORIZATION_MESSAGES,
  AclOperation,
  configResourceDenied,
} from '../security/acl/request-authz.js';
import { topicNameProblem } from '../topics/topic-name.js';
import { defineHandler, type RequestContext } from './handler.js';

type Lookup = ConfigEntry[] | { errorCode: number; errorMessage: string | null };

function lookup(broker: BrokerContext, r: DescribeConfigsRequestDescribeConfigsResource): Lookup {
  const name = r.resourceName;
  switch (r.resourceType) {
    case ResourceType.TOPIC: {
      const problem = topicNameProblem(name);
      if (problem) return { errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, errorMessage: problem };
      const topic = broker.topics.get(name);
      if (!topic) {
        return {
          errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          errorMessage: `The topic '${name}' does not exist.`,
        };
      }
      return topicConfigEntries(broker.config, topic.configs);
    }
    case ResourceType.BROKER: {
      if (name === '') return [];
      const nodeId = broker.config.nodeId;
      if (!/^-?\d+$/.test(name)) {
        return {
          errorCode: ErrorCode.INVALID_REQUEST,
          errorMessage: `Broker id must be an integer, but it is: ${name}`,
        };
      }
      if (Number(name) !== nodeId) {
        return {
          errorCode: ErrorCode.INVALID_REQUEST,
          errorMessage: `Unexpected broker id, expected ${nodeId} or empty string, but received ${name}`,
        };
      }
      return brokerConfigEntries(broker.config);
    }
    default: {
      const typeName = resourceTypeName(r.resourceType);
      return {
        errorCode: ErrorCode.INVALID_REQUEST,
        errorMessage: typeName
          ? `${typeName} configs are not supported by this broker`
          : `Unexpected resource type ${r.resourceType} for resource ${name}`,
      };
    }
  }
}

function describe(
  ctx: RequestContext,
  r: DescribeConfigsRequestDescribeConfigsResource,
  opts: { synonyms: boolean; documentation: boolean },
): DescribeConfigsResponseDescribeConfigsResult {
  const result = makeDescribeConfigsResponseDescribeConfigsResult({
    resourceType: r.resourceType,
    resourceName: r.resourceName,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
  });
  const denied = configResourceDenied(
    ctx,
    AclOperation.DESCRIBE_CONFIGS,
    r.resourceType,
    r.resourceName,
  );
  if (denied)
    return Object.assign(result, {
      errorCode: denied,
      errorMessage: AUTHORIZATION_MESSAGES[denied],
    });
  const found = lookup(ctx.broker, r);
  if (!Array.isArray(found)) return Object.assign(result, found);
  const wanted = r.configurationKeys?.length ? new Set(r.configurationKeys) : null;
  result.configs = found
    .filter((e) => !wanted || wanted.has(e.name))
    .map((e) =>
      makeDescribeConfigsResponseDescribeConfigsResourceResult({
        name: e.name,
        value: e.sensitive ? null : e.value,
        readOnly: e.readOnly,
        isDefault: e.source === ConfigSource.DEFAULT_CONFIG,
        configSource: e.source,
        isSensitive: e.sensitive,
        synonyms: opts.synonyms
          ? e.synonyms.map((s) =>
              makeDescribeConfigsResponseDescribeConfigsSynonym({
                name: s.name,
                value: e.sensitive ? null : s.value,
                source: s.source,
              }),
            )
          : [],
        configType: e.type,
        documentation: opts.documentation ? e.documentation : null,
      }),
    );
  return result;
}

export const describeConfigsHandler = defineHandler({
  apiKey: ApiKey.DescribeConfigs,
  minVersion: 0,
  maxVersion: 4,
  readRequest: readDescribeConfigsRequest,
  writeResponse: writeDescribeConfigsResponse,
  handle(req, ctx) {
    const opts = {
      synonyms: ctx.apiVersion >= 1 && req.includeSynonyms,
      documentation: ctx.apiVersion >= 3 && req.includeDocumentation,
    };
    return makeDescribeConfigsResponse({
      throttleTimeMs: 0,
      results: req.resources.map((r) => describe(ctx, r, opts)),
    });
  },
});
