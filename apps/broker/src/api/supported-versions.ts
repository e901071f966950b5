/** The API version ranges this broker advertises: exactly the registered handlers. */
import {
  makeApiVersionsResponseApiVersion,
  type ApiVersionsResponseApiVersion,
} from '@tributary/kafka-protocol';
import type { AnyHandler } from './handler.js';

export function supportedApiVersions(
  handlers: ReadonlyMap<number, AnyHandler>,
): ApiVersionsResponseApiVersion[] {
  return [...handlers.values()]
    .sort((a, b) => a.apiKey - b.apiKey)
    .map((h) =>
      makeApiVersionsResponseApiVersion({
        apiKey: h.apiKey,
        minVersion: h.minVersion,
        maxVersion: h.maxVersion,
      }),
    );
}
