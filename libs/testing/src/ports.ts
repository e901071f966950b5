import { createServer } from 'node:net';

/** Ports this process already handed out, so two quick calls never return the same one. */
const handedOut = new Set<number>();

/**
 * A TCP port that is free on `host` right now (the OS picks it: bind to port 0, read, close).
 * Another process can still take it before the caller binds; on loopback in tests that is rare.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await bindEphemeral(host);
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`could not find a fresh free port on ${host}`);
}

function bindEphemeral(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}
