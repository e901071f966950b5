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

interface Sample {
  at: number;
  topics: Record<string, { bytesIn: number; bytesOut: number }>;
}

/** Samples the usage counters every `everyMs` until stopped. */
export class UsageMeter {
  private readonly samples: Sample[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly tb: TestBroker,
    everyMs = 200,
  ) {
    this.take();
    this.timer = setInterval(() => this.take(), everyMs);
  }

  private take(): void {
    const { topics } = this.tb.broker.context.usage.counters.snapshot();
    this.samples.push({ at: Date.now(), topics });
  }

  stop(): void {
    clearInterval(this.timer);
    this.take();
  }

  private bytes(s: Sample, topic: string, dir: 'bytesIn' | 'bytesOut'): number {
    return s.topics[topic]?.[dir] ?? 0;
  }

  /** First time the topic's counter moved. */
  firstActivity(topic: string, dir: 'bytesIn' | 'bytesOut'): number {
    const s = this.samples.find((x) => this.bytes(x, topic, dir) > 0);
    if (!s) throw new Error(`no ${dir} on ${topic}`);
    return s.at;
  }

  /** Bytes per second between two instants (nearest samples at or after `from`, at or before `to`). */
  rate(topic: string, dir: 'bytesIn' | 'bytesOut', from: number, to: number): number {
    const a = this.samples.find((s) => s.at >= from);
    const b = [...this.samples].reverse().find((s) => s.at <= to);
    if (!a || !b || b.at <= a.at) throw new Error('not enough samples');
    return ((this.bytes(b, topic, dir) - this.bytes(a, topic, dir)) * 1000) / (b.at - a.at);
  }

  /** Per-second rates between from and to (for the failure message). */
  profile(topic: string, dir: 'bytesIn' | 'bytesOut', from: number, to: number): string {
    const out: string[] = [];
    for (let t = from; t + 1000 <= to; t += 1000)
      out.push((this.rate(topic, dir, t, t + 1000) / MiB).toFixed(2));
    return out.join(' ');
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
