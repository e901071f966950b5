/**
 * A minimal Kafka client for one question: does this key authenticate (SASL/PLAIN), and is
 * the connection closed later? SaslHandshake v1 then SaslAuthenticate v1, encoded by hand
 * (both are non-flexible versions: int16 api key, int16 version, int32 correlation id,
 * nullable string client id, then the body).
 */
import { connect, type Socket } from 'node:net';

export interface SaslConnection {
  /** 0 = authenticated, else the Kafka error code. */
  errorCode: number;
  socket: Socket;
  closed: Promise<void>;
}

function request(apiKey: number, correlation: number, body: Buffer): Buffer {
  const client = Buffer.from('agent-test');
  const head = Buffer.alloc(10);
  head.writeInt16BE(apiKey, 0);
  head.writeInt16BE(1, 2);
  head.writeInt32BE(correlation, 4);
  head.writeInt16BE(client.length, 8);
  const payload = Buffer.concat([head, client, body]);
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length);
  return Buffer.concat([size, payload]);
}

export async function saslPlainLogin(
  bootstrap: string,
  username: string,
  password: string,
): Promise<SaslConnection> {
  const [host, port] = bootstrap.split(':');
  const socket = connect(Number(port), host);
  socket.setNoDelay(true);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let buffered = Buffer.alloc(0);
  const frames: Buffer[] = [];
  let wake: () => void = () => undefined;
  socket.on('data', (d: Buffer) => {
    buffered = Buffer.concat([buffered, d]);
    while (buffered.length >= 4 && buffered.length >= 4 + buffered.readInt32BE(0)) {
      frames.push(buffered.subarray(4, 4 + buffered.readInt32BE(0)));
      buffered = buffered.subarray(4 + buffered.readInt32BE(0));
    }
    wake();
  });
  const next = async (): Promise<Buffer> => {
    while (frames.length === 0) {
      const more = new Promise<void>((r) => (wake = r));
      const ended = closed.then(() => {
        throw new Error('connection closed');
      });
      await Promise.race([more, ended]);
    }
    return frames.shift()!;
  };
  const mechanism = Buffer.from('PLAIN');
  const mech = Buffer.alloc(2);
  mech.writeInt16BE(mechanism.length);
  socket.write(request(17, 1, Buffer.concat([mech, mechanism])));
  const handshake = await next();
  const handshakeError = handshake.readInt16BE(4);
  if (handshakeError !== 0) return { errorCode: handshakeError, socket, closed };
  const token = Buffer.from(`\0${username}\0${password}`);
  const len = Buffer.alloc(4);
  len.writeInt32BE(token.length);
  socket.write(request(36, 2, Buffer.concat([len, token])));
  const auth = await next();
  return { errorCode: auth.readInt16BE(4), socket, closed };
}
