import { connect } from 'node:net';

const API_VERSIONS_KEY = 18;
const CLIENT_ID = 'tributary-probe';

/**
 * Sends one ApiVersions v0 request and resolves true if a well-formed answer with error code 0
 * comes back within timeoutMs. Hand-encoded on purpose: the probe must not depend on the codecs
 * whose broker it checks. (v0 is the version every Kafka broker answers.)
 */
export function probeApiVersions(host: string, port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const correlationId = Math.floor(Math.random() * 0x7fffffff);
    const clientId = Buffer.from(CLIENT_ID, 'utf8');
    const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length);
    body.writeInt16BE(API_VERSIONS_KEY, 0);
    body.writeInt16BE(0, 2);
    body.writeInt32BE(correlationId, 4);
    body.writeInt16BE(clientId.length, 8);
    clientId.copy(body, 10);
    const frame = Buffer.alloc(4 + body.length);
    frame.writeInt32BE(body.length, 0);
    body.copy(frame, 4);

    let received = Buffer.alloc(0);
    let settled = false;
    const socket = connect({ host, port });
    const finish = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.once('connect', () => socket.write(frame));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4) return;
      const size = received.readInt32BE(0);
      if (received.length < 4 + size) return;
      // Response v0: correlation_id int32, error_code int16, api_keys [...].
      finish(
        size >= 6 && received.readInt32BE(4) === correlationId && received.readInt16BE(8) === 0,
      );
    });
    socket.once('error', () => finish(false));
    socket.once('close', () => finish(false));
  });
}

export interface WaitForKafkaOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Checked between attempts; waiting stops with an error as soon as it returns a reason. */
  failureReason?: () => string | undefined;
}

/** Polls with ApiVersions until the endpoint answers, or rejects after timeoutMs. */
export async function waitForKafkaApi(
  host: string,
  port: number,
  { timeoutMs = 60_000, intervalMs = 250, failureReason }: WaitForKafkaOptions = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reason = failureReason?.();
    if (reason !== undefined) throw new Error(reason);
    if (await probeApiVersions(host, port, Math.min(2000, timeoutMs))) return;
    if (Date.now() >= deadline) {
      throw new Error(`no ApiVersions answer from ${host}:${port} within ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
