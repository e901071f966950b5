import type { AddressInfo, Socket } from 'node:net';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { probeApiVersions } from './kafka-probe.js';
import { freePort } from './ports.js';

/** Answers every request frame with an ApiVersions v0 response (error 0, no api keys). */
function fakeKafka(errorCode = 0) {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('data', (frame: Buffer) => {
      const correlationId = frame.readInt32BE(8);
      const response = Buffer.alloc(4 + 4 + 2 + 4);
      response.writeInt32BE(10, 0);
      response.writeInt32BE(correlationId, 4);
      response.writeInt16BE(errorCode, 8);
      response.writeInt32BE(0, 10);
      socket.write(response);
    });
  });
  return {
    listen: () =>
      new Promise<number>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
      ),
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('probeApiVersions', () => {
  const servers: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  it('is true for a server that answers ApiVersions', async () => {
    const server = fakeKafka();
    servers.push(server);
    expect(await probeApiVersions('127.0.0.1', await server.listen())).toBe(true);
  });

  it('is false for an error answer and for a closed port', async () => {
    const server = fakeKafka(35);
    servers.push(server);
    expect(await probeApiVersions('127.0.0.1', await server.listen())).toBe(false);
    expect(await probeApiVersions('127.0.0.1', await freePort(), 500)).toBe(false);
  });
});
