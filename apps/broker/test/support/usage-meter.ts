/**
 * Helpers for quota and usage tests: the admin endpoint of an in-process broker, and a meter
 * that samples the broker's usage counters to measure achieved byte rates per topic.
 */
import type { TestBroker } from './in-process-broker.js';

export const ADMIN_TOKEN = 'quota-test-pool-token-0123456789';
export const MiB = 1024 * 1024;

export async function admin(
  tb: TestBroker,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`http://127.0.0.1:${tb.broker.adminAddress!.port}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

export async function putLimits(tb: TestBroker, limits: unknown): Promise<void> {
  const res = await admin(tb, 'PUT', '/v1/limits', limits);
  if (res.status !== 200)
    throw new Error(`PUT /v1/limits: ${res.status} ${JSON.stringify(res.body)}`);
}

type Direction = 'bytesIn' | 'bytesOut';

interface Event {
  at: number;
  topic: string;
  dir: Direction;
  bytes: number;
}

/**
 * Records every increment of the broker's usage counters with its time, to measure achieved
 * byte rates. Quota-limited traffic arrives in chunks (a throttled fetch returns up to one
 * window of quota at once), so a rate is measured from the first to the last chunk inside a
 * time range: the bytes after the first chunk over the time between them.
 */
export class UsageMeter {
  private readonly events: Event[] = [];
  private readonly restore: () => void;

  constructor(tb: TestBroker) {
    const counters = tb.broker.context.usage.counters;
    const produced = counters.produced.bind(counters);
    const fetched = counters.fetched.bind(counters);
    counters.produced = (topic, bytes) => {
      this.events.push({ at: Date.now(), topic, dir: 'bytesIn', bytes });
      produced(topic, bytes);
    };
    counters.fetched = (topic, bytes) => {
      this.events.push({ at: Date.now(), topic, dir: 'bytesOut', bytes });
      fetched(topic, bytes);
    };
    this.restore = () => {
      counters.produced = produced;
      counters.fetched = fetched;
    };
  }

  stop(): void {
    this.restore();
  }

  private of(topic: string, dir: Direction, from = 0, to = Infinity): Event[] {
    return this.events.filter(
      (e) => e.topic === topic && e.dir === dir && e.bytes > 0 && e.at >= from && e.at <= to,
    );
  }

  /** First time bytes moved on the topic in that direction. */
  firstActivity(topic: string, dir: Direction): number {
    const e = this.of(topic, dir)[0];
    if (!e) throw new Error(`no ${dir} on ${topic}`);
    return e.at;
  }

  lastActivity(topic: string, dir: Direction): number {
    const all = this.of(topic, dir);
    if (all.length === 0) throw new Error(`no ${dir} on ${topic}`);
    return all[all.length - 1].at;
  }

  /** Bytes per second from the first to the last chunk within [from, to]. */
  rate(topic: string, dir: Direction, from: number, to: number): number {
    const within = this.of(topic, dir, from, to);
    if (within.length < 2) throw new Error(`fewer than two chunks of ${dir} on ${topic}`);
    let bytes = 0;
    for (const e of within.slice(1)) bytes += e.bytes;
    const ms = within[within.length - 1].at - within[0].at;
    if (ms <= 0) throw new Error('all chunks arrived at once');
    return (bytes * 1000) / ms;
  }

  /** MiB per wall-clock second between from and to (for the log line). */
  profile(topic: string, dir: Direction, from: number, to: number): string {
    const out: string[] = [];
    for (let t = from; t + 1000 <= to; t += 1000) {
      const bytes = this.of(topic, dir, t, t + 999).reduce((n, e) => n + e.bytes, 0);
      out.push((bytes / MiB).toFixed(2));
    }
    return out.join(' ');
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
