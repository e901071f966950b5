/**
 * Captures golden frames for src/golden.test.ts: starts Apache Kafka (startReferenceKafka)
 * advertising a recording proxy's address, so every client connection goes through the proxy,
 * and runs real clients (Java 4.x drivers, kcat/librdkafka, kafkajs) through it twice:
 *
 * - negotiated: clients see Kafka's own ApiVersions answer and pick their versions;
 * - capped: the proxy rewrites ApiVersions answers to our generated max versions (API_SPECS),
 *   so clients speak the versions our broker serves.
 *
 * Then keeps one frame per (client, API key, version, direction), the largest under 8 KiB (the
 * latest of equals), and
 * rewrites the fixture directories, session.json and INDEX.md. Not part of `npm test`:
 *
 *   npx tsx --conditions=@tributary/source tools/golden-capture/capture.ts
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as prettier from 'prettier';
import { freePort, startReferenceKafka } from '@tributary/testing';
import { API_SPECS, ApiKey } from '@tributary/kafka-protocol';
import {
  GOLDEN_DIR,
  fixtureFile,
  toHex,
  type CaptureSession,
  type ClientSessionInfo,
  type Direction,
} from '../../libs/kafka-protocol/golden/fixtures.js';
import { startRecordingProxy, type CapturedFrame, type RecordingProxy } from './proxy.js';
import { javaSession, kafkajsSession, kcatSession } from './sessions.js';

const HOST = '127.0.0.1';
const NODE_ID = 1;
const MAX_FRAME_BYTES = 8 * 1024;

interface Pass {
  name: 'negotiated' | 'capped';
  cap: ReadonlyMap<number, number> | undefined;
}

const PASSES: Pass[] = [
  { name: 'negotiated', cap: undefined },
  { name: 'capped', cap: new Map([...API_SPECS].map(([key, s]) => [key, s.maxVersion])) },
];

interface Candidate {
  pass: Pass['name'];
  client: string;
  apiKey: number;
  /** The version the body is encoded at (an ApiVersions error answer is always a v0 body). */
  version: number;
  direction: Direction;
  bytes: Buffer;
  note: string;
}

interface IndexRow {
  client: string;
  apiKey: number;
  version: number;
  direction: Direction;
  passes: Set<string>;
  chosen: Candidate | undefined;
  status: string;
}

async function main(): Promise<void> {
  const sessions = [await javaSession(), await kcatSession(), kafkajsSession()];
  const kafkaPort = await freePort(HOST);
  const proxy = await startRecordingProxy(kafkaPort);
  console.log(`proxy 127.0.0.1:${proxy.port} → Kafka 127.0.0.1:${kafkaPort}`);
  const kafka = await startReferenceKafka({
    port: kafkaPort,
    extraProps: { 'advertised.listeners': `PLAINTEXT://${HOST}:${proxy.port}` },
  });
  console.log(`Apache Kafka ${kafka.kafkaVersion} up (cluster ${kafka.clusterId})`);
  const clients: Record<string, ClientSessionInfo> = {};
  const labelled: { pass: Pass['name']; client: string; frames: CapturedFrame[] }[] = [];
  try {
    for (const pass of PASSES) {
      proxy.setVersionCap(pass.cap);
      for (const session of sessions) {
        const label = `${pass.name}/${session.client}`;
        console.log(`- ${label}`);
        proxy.setLabel(label);
        const info = await session.run(proxy.bootstrap(), pass.name);
        proxy.setLabel('');
        await drain(proxy);
        const seen = (clients[session.client] ??= { topics: [], groups: [] });
        seen.topics.push(...info.topics);
        seen.groups.push(...info.groups);
        labelled.push({
          pass: pass.name,
          client: session.client,
          frames: proxy.frames.filter((f) => f.label === label),
        });
      }
    }
  } finally {
    proxy.setLabel('');
    await proxy.close();
    await kafka.stop();
  }

  const rows = selectFrames(labelled.flatMap((l) => toCandidates(l.pass, l.client, l.frames)));
  const session: CaptureSession = {
    kafkaVersion: kafka.kafkaVersion,
    clusterId: kafka.clusterId,
    advertisedHost: HOST,
    advertisedPort: proxy.port,
    nodeId: NODE_ID,
    clients,
  };
  await writeFixtures(rows, session);
  const stored = rows.filter((r) => r.chosen !== undefined).length;
  console.log(
    `${stored} fixtures written, ${rows.length - stored} (client, API, version) not covered`,
  );
}

/** Waits (up to 5 s) for the session's clients to close their connections. */
async function drain(proxy: RecordingProxy): Promise<void> {
  const deadline = Date.now() + 5000;
  while (proxy.openConnections() > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
}

function toCandidates(pass: Pass['name'], client: string, frames: CapturedFrame[]): Candidate[] {
  return frames.map((f) => {
    // The broker answers an ApiVersions request it cannot parse with a v0 error body.
    const v0Error =
      f.direction === 'response' && f.apiKey === ApiKey.ApiVersions && f.bytes.readInt16BE(4) !== 0;
    return {
      pass,
      client,
      apiKey: f.apiKey,
      version: v0Error ? 0 : f.apiVersion,
      direction: f.direction,
      bytes: f.bytes,
      note: v0Error ? `error answer to a v${f.apiVersion} request` : '',
    };
  });
}

/** One row per (client, key, version, direction); covered rows keep their largest frame ≤ 8 KiB. */
function selectFrames(candidates: Candidate[]): IndexRow[] {
  const groups = new Map<string, Candidate[]>();
  for (const c of candidates) {
    const id = `${c.client}|${c.apiKey}|${c.version}|${c.direction}`;
    const list = groups.get(id) ?? [];
    list.push(c);
    groups.set(id, list);
  }
  const rows: IndexRow[] = [];
  for (const list of groups.values()) {
    const { client, apiKey, version, direction } = list[0];
    const spec = API_SPECS.get(apiKey);
    const row: IndexRow = {
      client,
      apiKey,
      version,
      direction,
      passes: new Set(list.map((c) => c.pass)),
      chosen: undefined,
      status: '',
    };
    if (spec === undefined) {
      row.status = `not covered (API key ${apiKey} is not in the generated definitions)`;
    } else if (version > spec.maxVersion) {
      row.status = `not covered (version ${version} > generated max ${spec.maxVersion})`;
    } else if (version < spec.minVersion) {
      row.status = `not covered (version ${version} < generated min ${spec.minVersion})`;
    } else {
      const small = list.filter((c) => c.bytes.length <= MAX_FRAME_BYTES);
      row.chosen = small.length > 0 ? largest(small) : smallest(list);
      row.status = fixtureFile(client, apiKey, version, direction);
      if (small.length === 0) console.warn(`  ! ${row.status}: every frame is over 8 KiB`);
    }
    rows.push(row);
  }
  return rows.sort(
    (a, b) =>
      a.client.localeCompare(b.client) ||
      a.apiKey - b.apiKey ||
      a.version - b.version ||
      a.direction.localeCompare(b.direction),
  );
}

/** Ties go to the later frame: the first of a kind is more often an early retriable error. */
const largest = (list: Candidate[]): Candidate =>
  list.reduce((best, c) => (c.bytes.length >= best.bytes.length ? c : best));
const smallest = (list: Candidate[]): Candidate =>
  list.reduce((best, c) => (c.bytes.length < best.bytes.length ? c : best));

async function writeFixtures(rows: IndexRow[], session: CaptureSession): Promise<void> {
  for (const entry of await readdir(GOLDEN_DIR, { withFileTypes: true })) {
    if (entry.isDirectory()) await rm(join(GOLDEN_DIR, entry.name), { recursive: true });
  }
  for (const row of rows) {
    if (row.chosen === undefined) continue;
    const file = join(GOLDEN_DIR, row.status);
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, toHex(row.chosen.bytes));
  }
  await writeFormatted('session.json', JSON.stringify(session, null, 2));
  await writeFormatted('INDEX.md', indexMarkdown(rows, session));
}

async function writeFormatted(name: string, text: string): Promise<void> {
  const filepath = join(GOLDEN_DIR, name);
  const options = (await prettier.resolveConfig(filepath)) ?? {};
  await writeFile(filepath, await prettier.format(text, { ...options, filepath }));
}

function indexMarkdown(rows: IndexRow[], session: CaptureSession): string {
  const name = (key: number): string => API_SPECS.get(key)?.name ?? `key ${key}`;
  const lines = [
    '# Golden frames',
    '',
    `Captured by \`tools/golden-capture/capture.ts\` from Apache Kafka ${session.kafkaVersion} and real clients;`,
    'regenerated as a whole, do not edit by hand. Pass "negotiated": clients saw Kafka\'s own',
    'ApiVersions answer; pass "capped": the proxy lowered every max version to the generated',
    "definitions' (API_SPECS) and dropped keys they lack. Each file holds the frame (no size",
    'prefix) as the broker received or sent it; with several frames per row, the largest under',
    '8 KiB. A row seen in both passes is stored once.',
    '',
    '| client | API | key | version | direction | pass | bytes | file |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    const pass = [...r.passes].join(', ');
    const bytes = r.chosen?.bytes.length ?? '';
    const note = r.chosen?.note ? ` (${r.chosen.note})` : '';
    const file = r.chosen === undefined ? r.status : `[${r.status}](${r.status})${note}`;
    lines.push(
      `| ${r.client} | ${name(r.apiKey)} | ${r.apiKey} | ${r.version} | ${r.direction} | ${pass} | ${bytes} | ${file} |`,
    );
  }
  return lines.join('\n') + '\n';
}

await main();
