/**
 * Loopback ports for pool brokers, from the agent's configured range. A port is handed out
 * only when no pool record holds it and it can be bound right now; the driver persists what
 * it allocates (pool.json), so a broker keeps its ports across restarts.
 */
import { createServer } from 'node:net';

export interface PortRange {
  min: number;
  max: number;
}

export function parsePortRange(text: string): PortRange {
  const m = /^(\d{1,5})-(\d{1,5})$/.exec(text.trim());
  const min = Number(m?.[1]);
  const max = Number(m?.[2]);
  if (!m || min < 1024 || max > 65535 || min > max)
    throw new Error(`port range must be MIN-MAX within 1024-65535, got "${text}"`);
  return { min, max };
}

function bindable(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** `count` free ports of the range, skipping `taken`; throws when the range is exhausted. */
export async function allocatePorts(
  count: number,
  range: PortRange,
  taken: ReadonlySet<number>,
  host = '127.0.0.1',
): Promise<number[]> {
  const out: number[] = [];
  for (let port = range.min; port <= range.max && out.length < count; port++) {
    if (taken.has(port)) continue;
    if (await bindable(port, host)) out.push(port);
  }
  if (out.length < count)
    throw new Error(`no ${count} free ports left in ${range.min}-${range.max}`);
  return out;
}
