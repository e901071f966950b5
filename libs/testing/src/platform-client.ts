/**
 * An HTTP client of the control plane's REST API as a person or a script uses it: a console
 * session (cookie + CSRF token, from sign-up or login) or a cloud API key (bearer). Answers
 * come back parsed, never thrown, so tests can look at 4xx problems; `ok()` throws on any
 * status it does not expect, with the problem in the message. Plus polling helpers.
 */
import { randomBytes } from 'node:crypto';

/** JSON as tests read it: property access without casts (answers are checked by the tests). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface ApiReply<T = Json> {
  status: number;
  headers: Headers;
  body: T;
}

export class ApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly reply: ApiReply,
  ) {
    super(`${method} ${path} -> ${reply.status}: ${JSON.stringify(reply.body)}`);
  }
}

export class PlatformClient {
  cookie: string | undefined;
  csrf: string | undefined;
  bearer: string | undefined;

  constructor(readonly baseUrl: string) {}

  async call<T = Json>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiReply<T>> {
    const h: Record<string, string> = { accept: 'application/json', ...headers };
    if (body !== undefined) h['content-type'] ??= 'application/json';
    if (this.bearer) h.authorization = `Bearer ${this.bearer}`;
    else if (this.cookie) {
      h.cookie = this.cookie;
      if (this.csrf && method !== 'GET' && method !== 'HEAD') h['x-csrf-token'] ??= this.csrf;
    }
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
      // not JSON: keep the text
    }
    return { status: r.status, headers: r.headers, body: parsed as T };
  }

  /** The call, which must answer with one of `expect` (default: any 2xx); returns the body. */
  async ok<T = Json>(
    method: string,
    path: string,
    body?: unknown,
    expect?: number | number[],
    headers?: Record<string, string>,
  ): Promise<T> {
    const r = await this.call<T>(method, path, body, headers);
    const wanted = expect === undefined ? null : ([] as number[]).concat(expect);
    if (wanted ? !wanted.includes(r.status) : r.status < 200 || r.status > 299)
      throw new ApiError(method, path, r);
    return r.body;
  }

  get = <T = Json>(path: string) => this.ok<T>('GET', path);
  post = <T = Json>(path: string, body: unknown = {}) => this.ok<T>('POST', path, body);
  patch = <T = Json>(path: string, body: unknown) => this.ok<T>('PATCH', path, body);
  delete = <T = Json>(path: string) => this.ok<T>('DELETE', path);

  /** A client with the same base URL using a cloud API key. */
  withBearer(token: string): PlatformClient {
    const c = new PlatformClient(this.baseUrl);
    c.bearer = token;
    return c;
  }
}

export interface PlatformUser {
  client: PlatformClient;
  userId: string;
  orgId: string;
  email: string;
  password: string;
}

let seq = 0;

/** Signs up (a new user with its own organization) and returns a logged-in client. */
export async function signUp(
  baseUrl: string,
  o: { email?: string; password?: string; name?: string } = {},
): Promise<PlatformUser> {
  const c = new PlatformClient(baseUrl);
  const email = o.email ?? `user-${Date.now()}-${process.pid}-${seq++}@example.com`;
  const password = o.password ?? randomBytes(12).toString('base64url');
  const r = await c.call('POST', '/v1/auth/signup', {
    email,
    password,
    name: o.name ?? 'Test User',
  });
  if (r.status !== 201) throw new ApiError('POST', '/v1/auth/signup', r);
  takeSession(c, r);
  return { client: c, userId: r.body.user.id, orgId: r.body.organization.id, email, password };
}

/** Logs in and returns a client holding the session. */
export async function logIn(
  baseUrl: string,
  email: string,
  password: string,
): Promise<PlatformClient> {
  const c = new PlatformClient(baseUrl);
  const r = await c.call('POST', '/v1/auth/login', { email, password });
  if (r.status !== 200) throw new ApiError('POST', '/v1/auth/login', r);
  takeSession(c, r);
  return c;
}

function takeSession(c: PlatformClient, r: ApiReply): void {
  const cookie = r.headers.getSetCookie().find((s) => s.startsWith('tributary_session='));
  if (!cookie) throw new Error('no session cookie in the answer');
  c.cookie = cookie.split(';')[0];
  c.csrf = r.body.csrf_token;
}

/** Thrown by a waitUntil probe to stop waiting at once. */
export class WaitAborted extends Error {}

/** Polls `probe` until it returns a truthy value; the last error or value is in the message. */
export async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 30_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
      last = v;
    } catch (err) {
      if (err instanceof WaitAborted) throw err;
      last = err;
    }
    if (Date.now() > deadline) {
      const why = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${why})`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * GETs `path` until its `status` field is `wanted`; fails at once when it becomes one of
 * `failOn` (default FAILED). Returns the resource.
 */
export async function waitForStatus<T extends { status: string } = Json>(
  client: PlatformClient,
  path: string,
  wanted: string,
  o: { timeoutMs?: number; intervalMs?: number; failOn?: string[] } = {},
): Promise<T> {
  const failOn = o.failOn ?? ['FAILED'];
  let last: ApiReply | undefined;
  return waitUntil(
    `${path} to be ${wanted}`,
    async () => {
      last = await client.call('GET', path);
      if (last.status !== 200) throw new ApiError('GET', path, last);
      const status = (last.body as T).status;
      if (failOn.includes(status) && status !== wanted)
        throw new WaitAborted(`${path} became ${status}: ${JSON.stringify(last.body)}`);
      return status === wanted ? (last.body as T) : undefined;
    },
    o.timeoutMs ?? 60_000,
    o.intervalMs ?? 100,
  );
}
