/**
 * Test harness: a throw-away PostgreSQL + Redis, the API started in-process on a free port,
 * and a small HTTP client that keeps a session cookie and CSRF token per user.
 */
import {
  startPostgres,
  startRedis,
  freePort,
  type PostgresServer,
  type RedisServer,
} from '@tributary/testing';
import { loadConfig } from '../src/config.js';
import { createApi, type Api } from '../src/app.module.js';
import type { Clock } from '../src/platform/clock.js';

export const AGENT_TOKEN = 'test-agent-token-0123456789abcdef';

export interface Platform {
  pg: PostgresServer;
  redis: RedisServer;
  api: Api;
  baseUrl: string;
  databaseUrl: string;
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startPlatform(
  extraEnv: Record<string, string> = {},
  opts: { clock?: Clock } = {},
): Promise<Platform> {
  const pg = await startPostgres();
  const redis = await startRedis();
  try {
    const databaseUrl = await pg.createDatabase('tributary');
    const port = await freePort();
    const env = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      PORT: String(port),
      TRIBUTARY_AGENT_TOKEN: AGENT_TOKEN,
      TRIBUTARY_COOKIE_SECURE: 'false',
      ...extraEnv,
    };
    const api = await createApi(loadConfig(env), { logger: false, clock: opts.clock });
    await api.app.listen(port, '127.0.0.1');
    return {
      pg,
      redis,
      api,
      baseUrl: `http://127.0.0.1:${port}`,
      databaseUrl,
      env,
      async stop() {
        await api.close();
        await redis.stop();
        await pg.stop();
      },
    };
  } catch (e) {
    await redis.stop();
    await pg.stop();
    throw e;
  }
}

export interface Reply {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export class Client {
  cookie?: string;
  csrf?: string;
  bearer?: string;
  constructor(readonly baseUrl: string) {}

  async call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply> {
    const h: Record<string, string> = { ...headers };
    if (body !== undefined && typeof body !== 'string') h['content-type'] ??= 'application/json';
    if (typeof body === 'string') h['content-type'] ??= 'application/json';
    if (this.cookie) h.cookie = this.cookie;
    if (this.csrf && method !== 'GET') h['x-csrf-token'] ??= this.csrf;
    if (this.bearer) h.authorization = `Bearer ${this.bearer}`;
    const r = await fetch(this.baseUrl + path, {
      method,
      headers: h,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await r.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: r.status, headers: r.headers, body: parsed };
  }

  get = (p: string, h?: Record<string, string>) => this.call('GET', p, undefined, h);
  post = (p: string, b?: unknown, h?: Record<string, string>) => this.call('POST', p, b ?? {}, h);
  patch = (p: string, b?: unknown, h?: Record<string, string>) => this.call('PATCH', p, b ?? {}, h);
  delete = (p: string, h?: Record<string, string>) => this.call('DELETE', p, undefined, h);
}

let seq = 0;
/** Signs up a new user (own organization) and returns a logged-in client. */
export async function signUp(
  baseUrl: string,
  name = 'User',
): Promise<{ client: Client; userId: string; orgId: string; email: string }> {
  const c = new Client(baseUrl);
  const email = `user${Date.now()}${seq++}@example.com`;
  const r = await c.post('/v1/auth/signup', { email, password: 'correct horse battery', name });
  if (r.status !== 201) throw new Error(`signup failed: ${r.status} ${JSON.stringify(r.body)}`);
  c.cookie = (r.headers.get('set-cookie') ?? '').split(';')[0];
  c.csrf = r.body.csrf_token;
  return { client: c, userId: r.body.user.id, orgId: r.body.organization.id, email };
}

export function expectProblem(r: Reply, status: number): void {
  if (
    r.status !== status ||
    r.headers.get('content-type')?.startsWith('application/problem+json') !== true
  ) {
    throw new Error(
      `expected ${status} problem+json, got ${r.status} ${r.headers.get('content-type')}: ${JSON.stringify(r.body)}`,
    );
  }
}
