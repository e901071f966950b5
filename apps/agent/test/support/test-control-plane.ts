/**
 * The control plane's side of the agent protocol, for agent tests: an HTTP server on
 * loopback that serves the desired state the test sets (long-poll with after/wait_ms, as the
 * contract says), and records what the agent reports — observed states and usage samples,
 * stored once per (cluster, broker, incarnation, sequence) like the real control plane.
 * Requests are checked against the contract's schemas; anything else is answered 400 and
 * kept in `protocolErrors`, which tests assert empty. It can go down and come back on the
 * same port. This is the protocol's other party, not a mock of a library.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  AGENT_API_PREFIX,
  MAX_DESIRED_STATE_WAIT_MS,
  observedStateSchema,
  usageReportSchema,
  type ObservedState,
  type PoolObservation,
  type PoolSpecJson,
  type UsageSample,
} from '@tributary/contracts';

export class TestControlPlane {
  revision = 1;
  private readonly pools = new Map<string, PoolSpecJson>();
  private waiters: Array<() => void> = [];
  readonly observed: Array<{ at: number; state: ObservedState }> = [];
  readonly samples = new Map<string, UsageSample>();
  /** Resent samples whose content differed from the stored one (must stay empty). */
  readonly conflictingDuplicates: UsageSample[] = [];
  readonly protocolErrors: string[] = [];
  usagePosts = 0;
  /** Runs after a usage report is stored and before it is answered (tests pause there). */
  onUsageStored: ((samples: UsageSample[]) => void) | null = null;
  private server: Server | null = null;

  private constructor(
    readonly token: string,
    public port: number,
  ) {}

  static async start(token: string, port = 0): Promise<TestControlPlane> {
    const cp = new TestControlPlane(token, port);
    await cp.up();
    return cp;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Serves again (same port) after down(). */
  async up(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  /** Stops answering: closes the listener and every open connection (long-polls too). */
  async down(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }

  /** Sets a pool's spec (generation +1 unless given) and wakes long-polls. */
  setPool(spec: Omit<PoolSpecJson, 'generation'> & { generation?: number }): PoolSpecJson {
    const generation = spec.generation ?? (this.pools.get(spec.clusterId)?.generation ?? 0) + 1;
    const full = { ...spec, generation } as PoolSpecJson;
    this.pools.set(spec.clusterId, full);
    this.revision++;
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w();
    return full;
  }

  /** Changes a pool's spec. */
  update(clusterId: string, change: (spec: PoolSpecJson) => Partial<PoolSpecJson>): PoolSpecJson {
    const current = this.pools.get(clusterId);
    if (!current) throw new Error(`no pool ${clusterId}`);
    const { generation: _g, ...rest } = { ...current, ...change(current) };
    return this.setPool(rest);
  }

  spec(clusterId: string): PoolSpecJson {
    return this.pools.get(clusterId)!;
  }

  /** The latest observation of a pool. */
  latest(clusterId: string): PoolObservation | undefined {
    for (let i = this.observed.length - 1; i >= 0; i--) {
      const p = this.observed[i].state.pools.find((o) => o.clusterId === clusterId);
      if (p) return p;
    }
    return undefined;
  }

  /** Resolves with the first observation (from now on) that satisfies `ok`. */
  async waitFor(
    clusterId: string,
    ok: (o: PoolObservation) => boolean,
    timeoutMs = 20_000,
  ): Promise<PoolObservation> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const o = this.latest(clusterId);
      if (o && ok(o)) return o;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(
      `no matching observation of ${clusterId} within ${timeoutMs} ms; latest: ${JSON.stringify(this.latest(clusterId))}`,
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://cp');
    const send = (status: number, body?: unknown, type = 'application/json') => {
      res.writeHead(status, body === undefined ? {} : { 'content-type': type });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const problem = (status: number, detail: string) => {
      this.protocolErrors.push(`${req.method} ${url.pathname}: ${detail}`);
      send(
        status,
        { type: 'about:blank', title: 'Bad Request', status, detail },
        'application/problem+json',
      );
    };
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      send(
        401,
        { type: 'about:blank', title: 'Unauthorized', status: 401 },
        'application/problem+json',
      );
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const path = url.pathname.slice(AGENT_API_PREFIX.length);

    if (req.method === 'GET' && path === '/desired-state') {
      const after = url.searchParams.get('after');
      const wait = Math.min(
        Number(url.searchParams.get('wait_ms') ?? 0),
        MAX_DESIRED_STATE_WAIT_MS,
      );
      if (after !== null && this.revision <= Number(after) && wait > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait);
          this.waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      if (res.destroyed) return;
      send(200, { revision: this.revision, pools: [...this.pools.values()] });
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      problem(400, 'malformed JSON');
      return;
    }
    if (req.method === 'PUT' && path === '/observed-state') {
      const parsed = observedStateSchema.safeParse(body);
      if (!parsed.success) return problem(400, parsed.error.message);
      this.observed.push({ at: Date.now(), state: parsed.data });
      send(204);
      return;
    }
    if (req.method === 'POST' && path === '/usage') {
      const parsed = usageReportSchema.safeParse(body);
      if (!parsed.success) return problem(400, parsed.error.message);
      this.usagePosts++;
      let accepted = 0;
      let duplicates = 0;
      for (const s of parsed.data.samples) {
        const key = `${s.clusterId}/${s.brokerId}/${s.incarnation}/${s.sequence}`;
        const stored = this.samples.get(key);
        if (!stored) {
          this.samples.set(key, s);
          accepted++;
          continue;
        }
        duplicates++;
        if (JSON.stringify(stored.usage) !== JSON.stringify(s.usage))
          this.conflictingDuplicates.push(s);
      }
      this.onUsageStored?.(parsed.data.samples);
      send(200, { accepted, duplicates });
      return;
    }
    problem(404, 'no such route');
  }

  /**
   * Usage billed from the stored samples: per (broker, incarnation), the sum of the deltas
   * between consecutive samples (by sequence) of a cluster counter.
   */
  summedDeltas(clusterId: string, counter: 'bytesIn' | 'bytesOut'): number {
    const series = new Map<string, UsageSample[]>();
    for (const s of this.samples.values()) {
      if (s.clusterId !== clusterId) continue;
      const k = `${s.brokerId}/${s.incarnation}`;
      series.set(k, [...(series.get(k) ?? []), s]);
    }
    let total = 0;
    for (const list of series.values()) {
      list.sort((a, b) => a.sequence - b.sequence);
      let prev = 0;
      for (const s of list) {
        const v = Number((s.usage.cluster as Record<string, number>)[counter] ?? 0);
        total += v - prev;
        prev = v;
      }
    }
    return total;
  }
}
