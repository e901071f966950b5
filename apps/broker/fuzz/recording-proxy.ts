/** A loopback TCP proxy that forwards to a broker and records every client request frame. */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface RecordingProxy {
  port: number;
  frames: Buffer[];
  /** Keeps forwarding but records nothing more. */
  stopRecording(): void;
  close(): Promise<void>;
}

export async function startRecordingProxy(
  targetPort: number,
  maxFrames = 5000,
): Promise<RecordingProxy> {
  const frames: Buffer[] = [];
  let recording = true;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect({ port: targetPort, host: '127.0.0.1' });
    sockets.add(client).add(upstream);
    let pending = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4) {
        const size = pending.readInt32BE(0);
        if (size < 0 || pending.length < 4 + size) break;
        if (recording && frames.length < maxFrames)
          frames.push(Buffer.from(pending.subarray(0, 4 + size)));
        pending = pending.subarray(4 + size);
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('proxy has no address');
  return {
    port: addr.port,
    frames,
    stopRecording: () => {
      recording = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
