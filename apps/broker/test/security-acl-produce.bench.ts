/**
 * What authorization costs on the produce path. Not part of the test suite (not *.test.ts):
 *   npx tsx --conditions=@tributary/source apps/broker/test/security-acl-produce.bench.ts
 * 1. Per decision: Authorizer.authorize with 2001 ACLs (2000 of other principals, half of them
 *    PREFIXED, and the producer's PREFIXED WRITE), disabled / cache hit / cache miss.
 * 2. End to end: two in-process brokers, authorizer off and on (same ACLs), one pipelined raw
 *    client each sending Produce v9 requests (acks=1, 10 topics x one 10-record batch), rounds
 *    alternating between them; medians of requests/s and of process CPU per request.
 * Env: TOPICS (10), REQUESTS per round (4000), ROUNDS (15).
 */
import {
  ApiKey,
  buildBatch,
  makeProduceRequest,
  makeProduceRequestPartitionProduceData,
  makeProduceRequestTopicProduceData,
  makeCreateAclsRequest,
  makeCreateAclsRequestAclCreation,
} from '@tributary/kafka-protocol';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AclBinding } from '../src/security/acl/acl-model.js';
import { AclStore } from '../src/security/acl/acl-store.js';
import { Authorizer } from '../src/security/acl/authorizer.js';
import type { TestBroker } from './support/in-process-broker.js';
import type { RawClient } from './support/raw-client.js';
import { Principals, startSaslBroker } from './support/sasl-principals.js';

const TOPICS = Number(process.env.TOPICS ?? 10);
const REQUESTS = Number(process.env.REQUESTS ?? 4000);
const ROUNDS = Number(process.env.ROUNDS ?? 15);
const PIPELINE = 64;
const topics = Array.from({ length: TOPICS }, (_, i) => `bench-${i}`);
const batch = buildBatch({
  records: Array.from({ length: 10 }, (_, i) => ({ value: Buffer.alloc(100, i) })),
});

async function setup(
  enabled: boolean,
): Promise<{ tb: TestBroker; c: RawClient; principals: Principals }> {
  const tb = await startSaslBroker({
    'authorizer.enabled': String(enabled),
    'super.users': 'User:admin',
    'log.segment.bytes': String(1 << 30),
  });
  const principals = new Principals(tb);
  for (const t of topics) await tb.broker.context.topics.create(t, 1, new Map());
  if (enabled) {
    const admin = await principals.raw('admin');
    const creations = benchAcls().map((b) =>
      makeCreateAclsRequestAclCreation({ ...b, resourcePatternType: b.patternType }),
    );
    await admin.call(ApiKey.CreateAcls, 3, makeCreateAclsRequest({ creations }));
  }
  // Both brokers' producers authenticate (SASL PLAIN) as User:producer.
  const c = await principals.raw('producer');
  return { tb, c, principals };
}

async function round(c: RawClient): Promise<{ rps: number; cpuUs: number }> {
  const frame = () =>
    c.frame(
      ApiKey.Produce,
      9,
      makeProduceRequest({
        acks: 1,
        timeoutMs: 1000,
        topicData: topics.map((name) =>
          makeProduceRequestTopicProduceData({
            name,
            partitionData: [makeProduceRequestPartitionProduceData({ index: 0, records: batch })],
          }),
        ),
      }),
    );
  const cpu0 = process.cpuUsage();
  const start = process.hrtime.bigint();
  let sent = 0,
    got = 0;
  while (got < REQUESTS) {
    while (sent < REQUESTS && sent - got < PIPELINE) {
      c.send(frame());
      sent++;
    }
    const r = await c.next();
    if (!r) throw new Error('closed');
    got++;
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  return { rps: REQUESTS / (ms / 1000), cpuUs: (cpu.user + cpu.system) / REQUESTS };
}

/** 2000 ACLs of other principals plus the producer's PREFIXED WRITE on bench-*. */
function benchAcls(): AclBinding[] {
  const acls: AclBinding[] = [];
  for (let i = 0; i < 2000; i++) {
    acls.push({
      resourceType: 2,
      resourceName: `other-${i}`,
      patternType: i % 2 ? 3 : 4,
      principal: `User:u${i}`,
      host: '*',
      operation: 4,
      permissionType: 3,
    });
  }
  acls.push({
    resourceType: 2,
    resourceName: 'bench-',
    patternType: 4,
    principal: 'User:producer',
    host: '*',
    operation: 4,
    permissionType: 3,
  });
  return acls;
}

async function decisions(): Promise<Record<string, string>> {
  const dir = await mkdtemp(join(tmpdir(), 'tributary-acl-bench-'));
  const store = await AclStore.open(join(dir, 'acls.json'));
  await store.create(benchAcls());
  const settings = { superUsers: new Set<string>(), allowEveryoneIfNoAclFound: false };
  const on = new Authorizer({ ...settings, enabled: true }, store);
  const off = new Authorizer({ ...settings, enabled: false }, store);
  // Names built per call, as decoded from requests (their hashes are not cached).
  const n = 1_000_000;
  const measure = (authorizer: Authorizer, name: (i: number) => string): string => {
    let allowed = 0;
    for (let i = 0; i < n / 10; i++)
      if (authorizer.authorize('User:producer', '127.0.0.1', 4, 2, name(i))) allowed++;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++)
      if (authorizer.authorize('User:producer', '127.0.0.1', 4, 2, name(i))) allowed++;
    const ns = Number(process.hrtime.bigint() - t0) / n;
    if (allowed === 0) throw new Error('nothing allowed');
    return `${ns.toFixed(1)} ns`;
  };
  const out = {
    disabled: measure(off, (i) => `bench-${i % 10}`),
    cacheHit: measure(on, (i) => `bench-${i % 10}`),
    cacheMiss: measure(on, (i) => `bench-x${i}`),
  };
  await rm(dir, { recursive: true, force: true });
  return out;
}

console.log(JSON.stringify({ perDecision: await decisions() }));
const off = await setup(false);
const on = await setup(true);
await round(off.c);
await round(on.c);
const res = {
  off: [] as Array<{ rps: number; cpuUs: number }>,
  on: [] as Array<{ rps: number; cpuUs: number }>,
};
for (let i = 0; i < ROUNDS; i++) {
  if (i % 2) {
    res.on.push(await round(on.c));
    res.off.push(await round(off.c));
  } else {
    res.off.push(await round(off.c));
    res.on.push(await round(on.c));
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sum = (k: 'off' | 'on') => ({
  medianRps: Math.round(median(res[k].map((r) => r.rps))),
  medianCpuUsPerReq: median(res[k].map((r) => r.cpuUs)).toFixed(1),
  bestRps: Math.round(Math.max(...res[k].map((r) => r.rps))),
});
console.log(
  JSON.stringify({
    TOPICS,
    REQUESTS,
    ROUNDS,
    recordsPerRequest: TOPICS * 10,
    off: sum('off'),
    on: sum('on'),
  }),
);
off.principals.closeAll();
on.principals.closeAll();
await off.tb.stop();
await on.tb.stop();
