/**
 * The broker's private admin endpoint: HTTP on its own port (loopback or the pod network,
 * never the tenant listener), every request authenticated with the pool token as a bearer
 * token. JSON in, JSON out, RFC 9457 problem+json errors. The data-plane agent uses it to
 * push credentials, ACLs and quotas and to read usage counters.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';
import { ProblemError, badRequest, problem } from './problem.js';
import type { Router } from './router.js';

const MAX_BODY_BYTES = 1 << 20;

export interface AdminServerOptions {
  host: string;
  port: number;
  /** The pool token; compared in constant time. */
  token: string;
  router: Router;
  log: Logger;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

function authorized(header: string | undefined, token: string): boolean {
  if (!header?.startsWith('Bearer ')) return false;
  return timingSafeEqual(digest(header.slice(7)), digest(token));
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw problem(
        413,
        'payload-too-large',
        'Payload Too Large',
        `Bodies are limited to ${MAX_BODY_BYTES} bytes`,
      );
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return undefined;
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('application/json')) {
    throw problem(415, 'unsupported-media-type', 'Unsupported Media Type', 'Send application/json');
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (err) {
    throw badRequest(`Malformed JSON: ${(err as Error).message}`);
  }
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/json',
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': contentType,
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export class AdminServer {
  private readonly server: Server;

  constructor(private readonly options: AdminServerOptions) {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.requestTimeout = 30_000;
    this.server.headersTimeout = 10_000;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://admin');
    try {
      if (!authorized(req.headers.authorization, this.options.token)) {
        res.setHeader('www-authenticate', 'Bearer');
        throw problem(401, 'unauthorized', 'Unauthorized', 'A valid pool token is required');
      }
      const { handler, params } = this.options.router.match(req.method ?? 'GET', url.pathname);
      const body = await readBody(req);
      const out = await handler({
        method: req.method ?? 'GET',
        path: url.pathname,
        params,
        query: url.searchParams,
        body,
      });
      send(res, out.status, out.body);
    } catch (err) {
      if (err instanceof ProblemError) {
        send(res, err.problem.status, err.problem, 'application/problem+json');
        return;
      }
      this.options.log.error(
        `admin ${req.method} ${url.pathname} failed: ${(err as Error).stack ?? String(err)}`,
      );
      send(
        res,
        500,
        { type: 'about:blank', title: 'Internal Server Error', status: 500 },
        'application/problem+json',
      );
    }
  }

  listen(): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        const addr = this.server.address();
        if (addr === null || typeof addr === 'string') {
          reject(new Error('admin server has no TCP address'));
          return;
        }
        resolve({ host: addr.address, port: addr.port });
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
