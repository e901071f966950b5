/**
 * Platform benchmark (not a test): the whole platform from the built bundles on throw-away
 * PostgreSQL and Redis (startPlatform), driven over HTTP and Kafka only.
 *   1. Time to first produce: POST /v1/kafka/clusters → RUNNING → service account + ACL +
 *      fresh API key READY → first produce acknowledged (kcat, SASL/PLAIN, the topic created
 *      by the produce). N clusters one after another, then a round of P at once; each cluster
 *      is deleted after it is measured.
 *   2. REST API latency with C concurrent clients (cloud API key, keep-alive) for S seconds on
 *      a read route (GET /v1/kafka/clusters/:id) and a write route (POST /v1/environments).
 * Stops by itself. Run: npm run bench:platform [-- --clusters 10 --parallel 5 --concurrency
 * 100 --seconds 10 --json FILE]
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import {
  createCluster,
  createEnvironment,
  createKeyWithAcls,
  produceUntilAccepted,
  startPlatform,
  waitForCluster,
  waitUntil,
  type PlatformClient,
} from '../libs/testing/src/index.js';
import { fmt, formatTable } from './table.js';

const { values: args } = parseArgs({
  options: {
    clusters: { type: 'string', default: '10' },
    parallel: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '10' },
    json: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(
    'npm run bench:platform -- [--clusters N] [--parallel P] [--concurrency C] [--seconds S] [--json FILE]',
  );
  process.exit(0);
}
const CLUSTERS = Number(args.clusters);
const PARALLEL = Number(args.parallel);
const CONCURRENCY = Number(args.concurrency);
const SECONDS = Number(args.seconds);

interface FirstProduce {
  running: number;
  keyReady: number;
  produced: number;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summary(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1] };
}

async function timeToFirstProduce(
  client: PlatformClient,
  orgId: string,
  envId: string,
  name: string,
): Promise<FirstProduce> {
  const t0 = performance.now();
  const cluster = await createCluster(client, envId, name);
  const running = await waitForCluster(client, cluster.id, 'RUNNING', 120_000);
  const t1 = performance.now();
  const key = await createKeyWithAcls(client, orgId, cluster.id, 'bench', `sa-${name}`);
  const t2 = performance.now();
  await produceUntilAccepted(running.bootstrap_endpoint, `bench-${name}`, key, 'first', 30_000);
  const t3 = performance.now();
  await client.ok('DELETE', `/v1/api-keys/${key.id}`, undefined, 202);
  await client.ok('DELETE', `/v1/kafka/clusters/${cluster.id}`, undefined, 202);
  await waitUntil(
    `${cluster.id} deleted`,
    async () => (await client.call('GET', `/v1/kafka/clusters/${cluster.id}`)).status === 404,
    60_000,
    100,
  );
  return { running: t1 - t0, keyReady: t2 - t0, produced: t3 - t0 };
}

interface Load {
  requests: number;
  errors: number;
  statuses: Record<number, number>;
  seconds: number;
  latencies: number[];
}

/** `concurrency` loops sending `request()` back to back for `seconds`. */
async function load(request: (i: number) => Promise<Response>): Promise<Load> {
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let errors = 0;
  let seq = 0;
  const start = performance.now();
  const end = start + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        try {
          const r = await request(seq++);
          await r.arrayBuffer();
          statuses[r.status] = (statuses[r.status] ?? 0) + 1;
          if (r.status >= 400) errors++;
        } catch {
          errors++;
        }
        latencies.push(performance.now() - t);
      }
    }),
  );
  return {
    requests: latencies.length,
    errors,
    statuses,
    seconds: (performance.now() - start) / 1000,
    latencies,
  };
}

async function main(): Promise<void> {
  const machine = `${availableParallelism()} vCPU ${cpus()[0]?.model.trim() ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, load average ${loadavg()[0].toFixed(2)} at start`;
  console.log(`platform benchmark on ${machine}`);
  const platform = await startPlatform({
    // The benchmark's own load would hit the per-key rate limit (1200/min by default).
    apiEnv: { TRIBUTARY_RATE_LIMIT_PER_MINUTE: '100000000' },
  });
  try {
    const { client, orgId } = await platform.signUp({ name: 'Bench' });
    const envId = await createEnvironment(client, orgId, 'bench');

    console.log(`time to first produce: ${CLUSTERS} clusters one after another`);
    const sequential: FirstProduce[] = [];
    for (let i = 0; i < CLUSTERS; i++) {
      const r = await timeToFirstProduce(client, orgId, envId, `seq-${i}`);
      sequential.push(r);
      console.log(
        `  seq-${i}: RUNNING ${fmt(r.running, 0)} ms, key READY ${fmt(r.keyReady, 0)} ms, first produce ${fmt(r.produced, 0)} ms`,
      );
    }
    console.log(`time to first produce: ${PARALLEL} clusters at once`);
    const parallel = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        timeToFirstProduce(client, orgId, envId, `par-${i}`),
      ),
    );

    // REST latency: a cloud API key (bearer), as scripts and Terraform call the API.
    const token = (await client.post('/v1/cloud-api-keys', { description: 'bench' })).token;
    const readCluster = (await createCluster(client, envId, 'read-target')).id;
    await waitForCluster(client, readCluster);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    console.log(`REST: ${CONCURRENCY} concurrent clients, ${SECONDS} s per route`);
    const read = await load(() =>
      fetch(`${platform.url}/v1/kafka/clusters/${readCluster}`, { headers }),
    );
    const write = await load((i) =>
      fetch(`${platform.url}/v1/environments`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ organization_id: orgId, name: `load-${i}` }),
      }),
    );

    const seq = {
      running: summary(sequential.map((r) => r.running)),
      keyReady: summary(sequential.map((r) => r.keyReady)),
      produced: summary(sequential.map((r) => r.produced)),
    };
    const par = {
      running: summary(parallel.map((r) => r.running)),
      keyReady: summary(parallel.map((r) => r.keyReady)),
      produced: summary(parallel.map((r) => r.produced)),
    };
    const ms = (v: number) => fmt(v, 0);
    console.log(
      `\n${formatTable(
        ['time from POST /v1/kafka/clusters (ms)', 'n', 'p50', 'p99', 'max'],
        [
          [
            'sequential: cluster RUNNING',
            String(seq.running.n),
            ms(seq.running.p50),
            ms(seq.running.p99),
            ms(seq.running.max),
          ],
          [
            'sequential: + SA, ACLs, API key READY',
            String(seq.keyReady.n),
            ms(seq.keyReady.p50),
            ms(seq.keyReady.p99),
            ms(seq.keyReady.max),
          ],
          [
            'sequential: first produce acknowledged',
            String(seq.produced.n),
            ms(seq.produced.p50),
            ms(seq.produced.p99),
            ms(seq.produced.max),
          ],
          [
            `${PARALLEL} at once: cluster RUNNING`,
            String(par.running.n),
            ms(par.running.p50),
            ms(par.running.p99),
            ms(par.running.max),
          ],
          [
            `${PARALLEL} at once: first produce acknowledged`,
            String(par.produced.n),
            ms(par.produced.p50),
            ms(par.produced.p99),
            ms(par.produced.max),
          ],
        ],
      )}`,
    );
    const rest = (name: string, l: Load) => {
      const s = summary(l.latencies);
      return [
        name,
        String(l.requests),
        fmt(l.requests / l.seconds, 0),
        ms(s.p50),
        ms(s.p99),
        String(l.errors),
      ];
    };
    console.log(
      `\n${formatTable(
        [
          `REST API, ${CONCURRENCY} concurrent, ${SECONDS} s`,
          'requests',
          'req/s',
          'p50 ms',
          'p99 ms',
          'errors',
        ],
        [rest('GET /v1/kafka/clusters/:id', read), rest('POST /v1/environments', write)],
      )}`,
    );
    if (read.errors || write.errors)
      console.log(
        `statuses: read ${JSON.stringify(read.statuses)}, write ${JSON.stringify(write.statuses)}`,
      );
    if (args.json) {
      const drop = (l: Load) => ({ ...l, latencies: summary(l.latencies) });
      writeFileSync(
        args.json,
        JSON.stringify(
          { machine, sequential, parallel, read: drop(read), write: drop(write) },
          null,
          2,
        ),
      );
    }
  } finally {
    await platform.dispose();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
