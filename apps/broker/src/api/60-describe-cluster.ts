/**
 * DescribeCluster (key 60), versions 0-1.
 * The cluster is this broker: it is listed as the only broker and as the controller (Kafka's
 * brokers also name a live broker there, since clients cannot reach KRaft controllers).
 * Authorized operations, when asked, are the principal's allowed cluster operations, or 0
 * without DESCRIBE on the cluster; the request itself needs no right (as Kafka's brokers).
 * v1 endpoint_type: 1 (brokers) is served; 2 (controllers) is MISMATCHED_ENDPOINT_TYPE
 * and anything else UNSUPPORTED_ENDPOINT_TYPE, both INVALID_REQUEST in v0, as Kafka answers.
 */
import {
  ApiKey,
  ErrorCode,
  makeDescribeClusterResponse,
  makeDescribeClusterResponseDescribeClusterBroker,
  readDescribeClusterRequest,
  writeDescribeClusterResponse,
} from '@tributary/kafka-protocol';
import { clusterAuthorizedOperations } from '../security/acl/request-authz.js';
import { defineHandler } from './handler.js';

const EndpointType = { BROKER: 1, CONTROLLER: 2 } as const;
const NOT_REQUESTED = -2147483648;

export const describeClusterHandler = defineHandler({
  apiKey: ApiKey.DescribeCluster,
  minVersion: 0,
  maxVersion: 1,
  readRequest: readDescribeClusterRequest,
  writeResponse: writeDescribeClusterResponse,
  handle(req, ctx) {
    const { broker, apiVersion } = ctx;
    const type = req.endpointType;
    if (type !== EndpointType.BROKER) {
      const unknown = type !== EndpointType.CONTROLLER;
      return makeDescribeClusterResponse({
        errorCode:
          apiVersion === 0
            ? ErrorCode.INVALID_REQUEST
            : unknown
              ? ErrorCode.UNSUPPORTED_ENDPOINT_TYPE
              : ErrorCode.MISMATCHED_ENDPOINT_TYPE,
        errorMessage: unknown
          ? `Unsupported endpoint type ${type}`
          : 'The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER',
      });
    }
    const { config } = broker;
    return makeDescribeClusterResponse({
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      endpointType: EndpointType.BROKER,
      clusterId: broker.clusterId,
      controllerId: config.nodeId,
      brokers: [
        makeDescribeClusterResponseDescribeClusterBroker({
          brokerId: config.nodeId,
          host: ctx.connection.listener.advertisedHost,
          port: ctx.connection.listener.advertisedPort,
          rack: config.rack,
        }),
      ],
      clusterAuthorizedOperations: req.includeClusterAuthorizedOperations
        ? clusterAuthorizedOperations(ctx)
        : NOT_REQUESTED,
    });
  },
});
