/**
 * Connection limits through the real listener: a connection over the pool's limit is closed
 * as soon as it is accepted, and so is one over its principal's limit (here User:ANONYMOUS on
 * a PLAINTEXT listener, where the principal is known at accept); the connections already
 * open keep working, and a freed slot is usable again at once.
 * Per principal after SASL authentication: quotas-principal.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiKey,
  makeApiVersionsRequest,
  type ApiVersionsResponse,
} from '@tributary/kafka-protocol';
import type { ConnectionGate } from '../src/context.js';
import type { ConnectionInfo } from '../src/server/connection-info.js';
import { RawClient } from './support/raw-client.js';
import { startTestBroker, type TestBroker } from './support/in-process-broker.js';
import { ADMIN_TOKEN, putLimits, sleep } from './support/usage-meter.js';

let tb: TestBroker;
const decisions: Array<{ id: number; admitted: boolean }> = [];

beforeAll(async () => {
  tb = await startTestBroker({}, undefined, 0, { adminToken: ADMIN_TOKEN });
  // Watch the gate's answers.
  const ctx = tb.broker.context as { admission: ConnectionGate };
  const gate = ctx.admission;
  ctx.admission = {
    admit(info: ConnectionInfo): boolean {
      const admitted = gate.admit(info);
      decisions.push({ id: info.id, admitted });
      return admitted;
    },
  };
});
afterAll(async () => {
  await tb.stop();
});

async function apiVersions(c: RawClient): Promise<number> {
  const r = await c.call<ApiVersionsResponse>(
    ApiKey.ApiVersions,
    3,
    makeApiVersionsRequest({ clientSoftwareName: 'raw', clientSoftwareVersion: '1' }),
  );
  return r.errorCode;
}

async function openAll(n: number): Promise<RawClient[]> {
  const out: RawClient[] = [];
  for (let i = 0; i < n; i++) out.push(await RawClient.connect(tb.port));
  return out;
}

/** Waits until the broker's registry has `n` connections (a closed client leaves it). */
async function settle(n: number): Promise<void> {
  for (let i = 0; i < 100 && tb.broker.context.connections.size !== n; i++) await sleep(20);
  expect(tb.broker.context.connections.size).toBe(n);
}

describe('connection limits', () => {
  it('closes a connection over the pool limit at accept; the others keep working', async () => {
    await settle(0);
    await putLimits(tb, { cluster: { maxConnections: 3 } });
    const open = await openAll(3);
    for (const c of open) expect(await apiVersions(c)).toBe(0);
    const refused = await RawClient.connect(tb.port);
    await refused.waitClosed(2000);
    expect(decisions.at(-1)?.admitted).toBe(false);
    for (const c of open) expect(await apiVersions(c)).toBe(0);
    // A freed slot is usable at once.
    open.pop()!.close();
    await settle(2);
    const again = await RawClient.connect(tb.port);
    expect(await apiVersions(again)).toBe(0);
    // Raised at runtime: more fit without a restart.
    await putLimits(tb, { cluster: { maxConnections: 5 } });
    const more = await openAll(2);
    for (const c of more) expect(await apiVersions(c)).toBe(0);
    for (const c of [...open, again, ...more]) c.close();
  });

  it("closes a connection over its principal's limit", async () => {
    await settle(0);
    await putLimits(tb, {
      cluster: { maxConnections: 10 },
      quotas: [{ entity: { user: 'ANONYMOUS' }, maxConnections: 2 }],
    });
    const open = await openAll(2);
    const refused = await RawClient.connect(tb.port);
    await refused.waitClosed(2000);
    for (const c of open) expect(await apiVersions(c)).toBe(0);
    for (const c of open) c.close();
  });
});
