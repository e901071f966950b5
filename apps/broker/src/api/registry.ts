/** Every API this broker serves. ApiVersions advertises exactly this list. */
import { produceHandler } from './00-produce.js';
import { fetchHandler } from './01-fetch.js';
import { listOffsetsHandler } from './02-list-offsets.js';
import { metadataHandler } from './03-metadata.js';
import { apiVersionsHandler } from './18-api-versions.js';
import { initProducerIdHandler } from './22-init-producer-id.js';
import type { AnyHandler } from './handler.js';

const HANDLERS: readonly AnyHandler[] = [
  produceHandler,
  fetchHandler,
  listOffsetsHandler,
  metadataHandler,
  apiVersionsHandler,
  initProducerIdHandler,
];

export function handlerRegistry(): Map<number, AnyHandler> {
  const map = new Map<number, AnyHandler>();
  for (const h of HANDLERS) {
    if (map.has(h.apiKey)) throw new Error(`two handlers for API key ${h.apiKey}`);
    map.set(h.apiKey, h);
  }
  return map;
}
