/**
 * What s3rver on this machine can deliver to one reader: ranged GETs of one large object,
 * through the broker's own S3ObjectStore (@aws-sdk/client-s3 with the broker's settings), with
 * 1/2/4/8 requests in flight, plus plain node:http GETs of the same ranges to show the SDK's
 * share. s3rver runs in a child process, as in `bench:tiered` it runs outside the broker.
 * The broker's catch-up read from S3 cannot beat these figures.
 * Run: npx tsx --conditions=@tributary/source bench/s3-ceiling.ts [-- --mib 128 --rounds 2]
 */
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { randomBytes } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createTempDir, startS3Server } from '../libs/testing/src/index.js';
import { S3ObjectStore } from '../libs/tiered-storage/src/index.js';
import { fmt, formatTable } from './table.js';

const { values: opts } = parseArgs({
  options: {
    serve: { type: 'boolean', default: false },
    mib: { type: 'string', default: '128' },
    rounds: { type: 'string', default: '2' },
  },
});
const BUCKET = 'ceiling-bench';
const KEY = 'big-object';
const MIB = 1 << 20;

/** Child mode: serve s3rver until stdin closes, print the endpoint on stdout. */
async function serve(): Promise<void> {
  const dir = await createTempDir('tributary-s3-ceiling-');
  const s3 = await startS3Server({ dataDir: dir.path, buckets: [BUCKET] });
  process.stdout.write(`${s3.endpoint}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => {
    void s3
      .stop()
      .then(() => dir.remove())
      .then(() => process.exit(0));
  });
}

/** Reads [0, size) in `rangeBytes` pieces, `inFlight` at a time, in order of issue. */
async function readAll(
  get: (start: number, end: number) => Promise<number>,
  size: number,
  rangeBytes: number,
  inFlight: number,
): Promise<number> {
  let next = 0;
  let got = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const worker = async () => {
    while (next < size) {
      const start = next;
      next = Math.min(size, start + rangeBytes);
      const t = performance.now();
      const n = await get(start, next);
      slowestGetMs = Math.max(slowestGetMs, performance.now() - t);
      got += n;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  if (got !== size) throw new Error(`read ${got} of ${size} bytes`);
  const cpu = process.cpuUsage(cpu0);
  cpuMsPerMib.push((cpu.user + cpu.system) / 1000 / (size / MIB));
  return size / MIB / ((performance.now() - t0) / 1000);
}

function rawGet(endpoint: string, start: number, end: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${endpoint}/${BUCKET}/${KEY}`,
      { headers: { range: `bytes=${start}-${end - 1}` }, agent: keepAlive },
      (res) => {
        if (res.statusCode !== 206) {
          res.resume();
          reject(new Error(`GET ${start}-${end}: HTTP ${res.statusCode}`));
          return;
        }
        let n = 0;
        res.on('data', (c: Buffer) => (n += c.length));
        res.on('end', () => resolve(n));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}
let keepAlive: import('node:http').Agent;
/** Client CPU ms per MiB of each readAll (the reader's cost, s3rver's excluded). */
const cpuMsPerMib: number[] = [];
/** The longest single GET of the whole run. */
let slowestGetMs = 0;

async function main(): Promise<void> {
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1], '--serve'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const endpoint = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`s3rver child exited ${code}`)));
  });
  const { Agent } = await import('node:http');
  keepAlive = new Agent({ keepAlive: true, maxSockets: 16 });
  const store = new S3ObjectStore({
    endpoint,
    region: 'us-east-1',
    bucket: BUCKET,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  try {
    const size = Number(opts.mib) * MIB;
    await store.put(KEY, randomBytes(size));
    const load0 = loadavg()[0];
    const rows: string[][] = [];
    for (const rangeMib of [1, 4, 16]) {
      for (const inFlight of [1, 2, 4, 8]) {
        const sdk: number[] = [];
        const raw: number[] = [];
        const sdkCpu: number[] = [];
        const rawCpu: number[] = [];
        for (let r = 0; r < Number(opts.rounds); r++) {
          sdk.push(
            await readAll(
              async (s, e) => (await store.getRange(KEY, s, e)).length,
              size,
              rangeMib * MIB,
              inFlight,
            ),
          );
          sdkCpu.push(cpuMsPerMib.at(-1)!);
          raw.push(await readAll((s, e) => rawGet(endpoint, s, e), size, rangeMib * MIB, inFlight));
          rawCpu.push(cpuMsPerMib.at(-1)!);
        }
        rows.push([
          `${rangeMib} MiB`,
          String(inFlight),
          `${fmt(Math.max(...sdk))} (${sdk.map((v) => fmt(v)).join(', ')})`,
          `${fmt(Math.max(...raw))} (${raw.map((v) => fmt(v)).join(', ')})`,
          `${fmt(Math.min(...sdkCpu), 2)} / ${fmt(Math.min(...rawCpu), 2)}`,
        ]);
      }
    }
    console.log(
      `\ns3rver ranged GETs of one ${opts.mib} MiB object, MiB/s (best, then each round); ` +
        `${availableParallelism()} CPUs, load ${fmt(load0)} → ${fmt(loadavg()[0])}; ` +
        `slowest single GET ${fmt(slowestGetMs, 0)} ms\n`,
    );
    console.log(
      formatTable(
        ['range', 'in flight', 'S3ObjectStore (SDK)', 'plain node:http', 'reader CPU ms/MiB'],
        rows,
      ),
    );
  } finally {
    store.close();
    keepAlive.destroy();
    child.stdin!.end();
    await new Promise((r) => child.once('exit', r));
  }
}

await (opts.serve ? serve() : main());
