/**
 * ApiVersions (key 18), versions 0-4.
 * Lists the version range of every registered handler. A request at a version above 4 never
 * reaches here: the connection answers it with a v0 body carrying UNSUPPORTED_VERSION.
 * v3+ carries the client's software name/version (validated as Kafka does) and feature info;
 * Tributary finalizes no features.
 */
import {
  ApiKey,
  ErrorCode,
  makeApiVersionsResponse,
  readApiVersionsRequest,
  writeApiVersionsResponse,
} from '@tributary/kafka-protocol';
import { defineHandler } from './handler.js';
import { supportedApiVersions } from './supported-versions.js';

const SOFTWARE_FIELD = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;

export const apiVersionsHandler = defineHandler({
  apiKey: ApiKey.ApiVersions,
  minVersion: 0,
  maxVersion: 4,
  readRequest: readApiVersionsRequest,
  writeResponse: writeApiVersionsResponse,
  handle(req, ctx) {
    const apiKeys = supportedApiVersions(ctx.broker.handlers);
    if (ctx.apiVersion >= 3) {
      if (
        !SOFTWARE_FIELD.test(req.clientSoftwareName) ||
        !SOFTWARE_FIELD.test(req.clientSoftwareVersion)
      ) {
        return makeApiVersionsResponse({ errorCode: ErrorCode.INVALID_REQUEST, apiKeys });
      }
      ctx.connection.clientSoftwareName = req.clientSoftwareName;
      ctx.connection.clientSoftwareVersion = req.clientSoftwareVersion;
    }
    return makeApiVersionsResponse({
      errorCode: ErrorCode.NONE,
      apiKeys,
      finalizedFeaturesEpoch: -1,
    });
  },
});
