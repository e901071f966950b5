/**
 * SCRAM message syntax (RFC 5802 §7), server side: parses what clients send and formats
 * what the server answers. Stricter than the RFC where Kafka is: the only GS2 header is
 * `n,,` or `n,a=<authzid>,` (no channel binding), and the reserved `m=` extension is refused.
 * Anything malformed is a ScramSyntaxError, which the mechanism turns into an
 * authentication failure.
 */

export class ScramSyntaxError extends Error {
  override name = 'ScramSyntaxError';
}

/** Messages are short; anything longer is not a SCRAM message. */
const MAX_MESSAGE_BYTES = 4096;
/** printable = %x21-2B / %x2D-7E (any printable ASCII but ","). */
const NONCE = /^[\x21-\x2b\x2d-\x7e]+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** Kafka allows multi-letter names (`tokenauth=true`); the RFC has one letter. */
const EXTENSION = /^[A-Za-z]+=[^,]+$/;

export interface ClientFirstMessage {
  /** The GS2 header as sent (`n,,` or `n,a=...,`), which the client-final `c=` must echo. */
  gs2Header: string;
  authzid: string | null;
  username: string;
  nonce: string;
  /** client-first-message-bare: part of the AuthMessage. */
  bare: string;
  extensions: Map<string, string>;
}

export interface ClientFinalMessage {
  channelBinding: Buffer;
  nonce: string;
  proof: Buffer;
  /** client-final-message-without-proof: part of the AuthMessage. */
  withoutProof: string;
}

function text(token: Buffer): string {
  if (token.length === 0) throw new ScramSyntaxError('empty message');
  if (token.length > MAX_MESSAGE_BYTES) throw new ScramSyntaxError('message too long');
  const s = token.toString('utf8');
  if (!Buffer.from(s, 'utf8').equals(token)) throw new ScramSyntaxError('not UTF-8');
  if (s.includes('\0')) throw new ScramSyntaxError('NUL in message');
  return s;
}

/** saslname: "," and "=" arrive as "=2C" and "=3D"; any other "=" is malformed. */
export function decodeSaslName(value: string): string {
  if (value === '') throw new ScramSyntaxError('empty name');
  if (/=(?!2C|3D)/.test(value)) throw new ScramSyntaxError('bad escape in name');
  return value.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

export function encodeSaslName(value: string): string {
  return value.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

function attribute(part: string | undefined, name: string): string {
  if (part === undefined || !part.startsWith(`${name}=`)) {
    throw new ScramSyntaxError(`expected ${name}=`);
  }
  return part.slice(2);
}

function base64(value: string, what: string): Buffer {
  if (!BASE64.test(value)) throw new ScramSyntaxError(`${what} is not base64`);
  return Buffer.from(value, 'base64');
}

function extensions(parts: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of parts) {
    if (!EXTENSION.test(p)) throw new ScramSyntaxError('malformed extension');
    const eq = p.indexOf('=');
    out.set(p.slice(0, eq), p.slice(eq + 1));
  }
  return out;
}

export function parseClientFirst(token: Buffer): ClientFirstMessage {
  const s = text(token);
  const parts = s.split(',');
  if (parts[0] !== 'n') throw new ScramSyntaxError('channel binding is not supported');
  if (parts.length < 4) throw new ScramSyntaxError('truncated client-first message');
  const authzid = parts[1] === '' ? null : decodeSaslName(attribute(parts[1], 'a'));
  const bareParts = parts.slice(2);
  if (bareParts[0].startsWith('m=')) throw new ScramSyntaxError('mandatory extension refused');
  const username = decodeSaslName(attribute(bareParts[0], 'n'));
  const nonce = attribute(bareParts[1], 'r');
  if (!NONCE.test(nonce)) throw new ScramSyntaxError('bad client nonce');
  return {
    gs2Header: `${parts[0]},${parts[1]},`,
    authzid,
    username,
    nonce,
    bare: bareParts.join(','),
    extensions: extensions(bareParts.slice(2)),
  };
}

export function parseClientFinal(token: Buffer): ClientFinalMessage {
  const s = text(token);
  const parts = s.split(',');
  if (parts.length < 3) throw new ScramSyntaxError('truncated client-final message');
  const channelBinding = base64(attribute(parts[0], 'c'), 'channel binding');
  const nonce = attribute(parts[1], 'r');
  if (!NONCE.test(nonce)) throw new ScramSyntaxError('bad nonce');
  const last = parts[parts.length - 1];
  const proof = base64(attribute(last, 'p'), 'proof');
  const middle = parts.slice(2, -1);
  extensions(middle);
  return {
    channelBinding,
    nonce,
    proof,
    withoutProof: parts.slice(0, -1).join(','),
  };
}

export function formatServerFirst(nonce: string, salt: Buffer, iterations: number): string {
  return `r=${nonce},s=${salt.toString('base64')},i=${iterations}`;
}

export function formatServerFinal(signature: Buffer): string {
  return `v=${signature.toString('base64')}`;
}
