/**
 * Request/response framing: int32 size + header + body. Header versions follow the API's
 * flexible versions, except that ApiVersions responses always use header v0 so a client can
 * read them before it knows what the broker speaks.
 */
import { API_SPECS, ApiKey } from '../generated/api-keys.js';
import {
  readRequestHeader,
  writeRequestHeader,
  type RequestHeader,
} from '../generated/request-header.js';
import {
  writeResponseHeader,
  makeResponseHeader,
  readResponseHeader,
} from '../generated/response-header.js';
import { Reader } from './reader.js';
import { Writer } from './writer.js';

export function isFlexible(apiKey: number, version: number): boolean {
  const spec = API_SPECS.get(apiKey);
  return spec !== undefined && spec.flexibleMin >= 0 && version >= spec.flexibleMin;
}

export function requestHeaderVersion(apiKey: number, version: number): number {
  if (apiKey === ApiKey.ControlledShutdown && version === 0) return 0;
  return isFlexible(apiKey, version) ? 2 : 1;
}

export function responseHeaderVersion(apiKey: number, version: number): number {
  if (apiKey === ApiKey.ApiVersions) return 0;
  return isFlexible(apiKey, version) ? 1 : 0;
}

export interface DecodedRequestHeader {
  header: RequestHeader;
  /** Reader positioned at the start of the body. */
  body: Reader;
}

/**
 * Reads the header of one request frame (without the size prefix). Throws DecodeError when
 * even the fixed part is malformed. The header version depends on the key and version, which
 * come first and are the same in every header version.
 */
export function decodeRequestHeader(frame: Buffer): DecodedRequestHeader {
  const peek = new Reader(frame);
  const apiKey = peek.int16();
  const apiVersion = peek.int16();
  const r = new Reader(frame);
  const header = readRequestHeader(r, requestHeaderVersion(apiKey, apiVersion));
  return { header, body: r };
}

/** Encodes a response frame (size prefix included) as a list of buffers for a vectored write. */
export function encodeResponseFrame(
  apiKey: number,
  version: number,
  correlationId: number,
  writeBody: (w: Writer) => void,
): Buffer[] {
  const w = new Writer();
  w.int32(0); // size, patched below
  writeResponseHeader(
    w,
    makeResponseHeader({ correlationId }),
    responseHeaderVersion(apiKey, version),
  );
  writeBody(w);
  const chunks = w.toBuffers();
  chunks[0].writeInt32BE(w.length - 4, 0);
  return chunks;
}

/** Encodes a request frame (size prefix included): used by tests, tools and the fuzzer. */
export function encodeRequestFrame(
  header: { apiKey: number; apiVersion: number; correlationId: number; clientId: string | null },
  writeBody: (w: Writer) => void,
): Buffer {
  const w = new Writer();
  w.int32(0);
  writeRequestHeader(
    w,
    {
      requestApiKey: header.apiKey,
      requestApiVersion: header.apiVersion,
      correlationId: header.correlationId,
      clientId: header.clientId,
    },
    requestHeaderVersion(header.apiKey, header.apiVersion),
  );
  writeBody(w);
  const out = w.toBuffer();
  out.writeInt32BE(out.length - 4, 0);
  return out;
}

/** Reads a response frame body (without size prefix): returns the correlation id and a body reader. */
export function decodeResponseHeader(
  apiKey: number,
  version: number,
  frame: Buffer,
): { correlationId: number; body: Reader } {
  const r = new Reader(frame);
  const h = readResponseHeader(r, responseHeaderVersion(apiKey, version));
  return { correlationId: h.correlationId, body: r };
}
