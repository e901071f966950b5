/**
 * A collector as usage/README.md describes it: keeps the last counters seen per incarnation
 * and emits deltas, so every counted byte is emitted once across restarts. Tests use it to
 * show the contract holds; the real one lives in the data-plane agent.
 */
interface Counters {
  cluster: { bytesIn: number; bytesOut: number; requests: number };
  topics: Record<string, { bytesIn: number; bytesOut: number }>;
}

interface Record_ extends Counters {
  incarnation: string;
  sequence: number;
}

export interface UsageReportBody extends Record_ {
  previous: Array<Record_ & { final: boolean }>;
}

export interface Emitted {
  bytesIn: number;
  bytesOut: number;
  requests: number;
  topics: Map<string, { bytesIn: number; bytesOut: number }>;
}

export class Collector {
  private readonly seen = new Map<string, Record_>();
  readonly emitted: Emitted = { bytesIn: 0, bytesOut: 0, requests: 0, topics: new Map() };
  /** Polls whose answer was ignored as a duplicate. */
  duplicates = 0;

  constructor(
    private readonly read: () => Promise<UsageReportBody>,
    private readonly acknowledge: (incarnation: string) => Promise<void>,
  ) {}

  /** One poll; `skipAcknowledge` simulates a collector that dies before its DELETE. */
  async poll(options: { skipAcknowledge?: boolean } = {}): Promise<UsageReportBody> {
    const report = await this.read();
    for (const p of report.previous) {
      this.emit(p, this.seen.get(p.incarnation));
      this.seen.set(p.incarnation, p);
      if (!options.skipAcknowledge) await this.acknowledge(p.incarnation);
    }
    this.accept(report);
    return report;
  }

  /** Applies a report (also used to replay a duplicate answer). */
  accept(report: Record_): void {
    const base = this.seen.get(report.incarnation);
    if (base && report.sequence <= base.sequence) {
      this.duplicates++;
      return;
    }
    this.emit(report, base);
    this.seen.set(report.incarnation, report);
  }

  private emit(now: Counters, base: Counters | undefined): void {
    const d = (a: number, b: number | undefined): number => Math.max(0, a - (b ?? 0));
    this.emitted.bytesIn += d(now.cluster.bytesIn, base?.cluster.bytesIn);
    this.emitted.bytesOut += d(now.cluster.bytesOut, base?.cluster.bytesOut);
    this.emitted.requests += d(now.cluster.requests, base?.cluster.requests);
    for (const [name, t] of Object.entries(now.topics)) {
      const b = base?.topics[name];
      const e = this.emitted.topics.get(name) ?? { bytesIn: 0, bytesOut: 0 };
      e.bytesIn += d(t.bytesIn, b?.bytesIn);
      e.bytesOut += d(t.bytesOut, b?.bytesOut);
      this.emitted.topics.set(name, e);
    }
  }
}
