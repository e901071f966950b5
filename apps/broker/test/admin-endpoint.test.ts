/** The private admin endpoint: bearer pool token, JSON, problem+json errors. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from './support/in-process-broker.js';

const TOKEN = 'test-pool-token-0123456789';
let tb: TestBroker;
let base: string;

beforeAll(async () => {
  tb = await startTestBroker({}, undefined, 0, { adminToken: TOKEN });
  base = `http://127.0.0.1:${tb.broker.adminAddress!.port}`;
});
afterAll(async () => {
  await tb.stop();
});

async function call(
  path: string,
  init: RequestInit & { token?: string | null } = {},
): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.token !== null) headers.set('authorization', `Bearer ${init.token ?? TOKEN}`);
  return fetch(base + path, { ...init, headers });
}

describe('admin endpoint', () => {
  it('answers health with the node, cluster and listeners', async () => {
    const res = await call('/v1/health');
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      status: string;
      nodeId: number;
      clusterId: string;
      listeners: unknown[];
    };
    expect(body).toMatchObject({ status: 'ok', nodeId: 1, clusterId: tb.broker.context.clusterId });
    expect(body.listeners).toEqual([
      { name: 'PLAINTEXT', protocol: 'PLAINTEXT', host: '127.0.0.1', port: tb.port },
    ]);
  });

  it('refuses missing and wrong tokens with 401 problem+json', async () => {
    for (const token of [null, 'wrong-token-wrong-token']) {
      const res = await call('/v1/health', { token });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(await res.json()).toMatchObject({ status: 401, title: 'Unauthorized' });
    }
  });

  it('answers unknown routes 404 and wrong methods 405', async () => {
    expect((await call('/v1/nothing-here')).status).toBe(404);
    const res = await call('/v1/health', { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(await res.json()).toMatchObject({ status: 405 });
  });
});
