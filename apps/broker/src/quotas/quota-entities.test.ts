import { describe, expect, it } from 'vitest';
import { type Limits, parseLimits } from './limits.js';
import { QuotaIndex, userName } from './quota-entities.js';

function limits(doc: unknown): Limits {
  const r = parseLimits(doc);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.limits;
}

describe('QuotaIndex', () => {
  const index = new QuotaIndex(
    limits({
      quotas: [
        { entity: { user: 'alice', clientId: 'etl' }, produceBytesPerSecond: 1 },
        { entity: { user: 'alice' }, produceBytesPerSecond: 2, fetchBytesPerSecond: 20 },
        { entity: { user: '<default>' }, produceBytesPerSecond: 3, maxConnections: 5 },
        { entity: { user: '<default>', clientId: 'etl' }, requestsPerSecond: 7 },
        { entity: { clientId: 'perf' }, fetchBytesPerSecond: 4 },
        { entity: { clientId: '<default>' }, fetchBytesPerSecond: 5, requestsPerSecond: 9 },
        { entity: { user: 'bob' }, maxConnections: 2 },
      ],
    }),
  );

  it("applies Kafka's order of precedence, per quota type", () => {
    expect(index.resolve('produce', 'alice', 'etl')?.limit).toBe(1);
    expect(index.resolve('produce', 'alice', 'other')?.limit).toBe(2);
    expect(index.resolve('produce', 'carol', 'etl')?.limit).toBe(3);
    // alice+etl sets no fetch rate: the user entry does.
    expect(index.resolve('fetch', 'alice', 'etl')?.limit).toBe(20);
    expect(index.resolve('fetch', 'carol', 'perf')?.limit).toBe(4);
    expect(index.resolve('fetch', 'carol', 'x')?.limit).toBe(5);
    expect(index.resolve('request', 'carol', 'etl')?.limit).toBe(7);
    expect(index.resolve('request', 'carol', 'x')?.limit).toBe(9);
  });

  it('measures per matched entity: shared for a user quota, per client for a default', () => {
    const a1 = index.resolve('produce', 'alice', 'a')!.sensorKey;
    const a2 = index.resolve('produce', 'alice', 'b')!.sensorKey;
    expect(a1).toBe(a2);
    const c1 = index.resolve('produce', 'carol', 'a')!.sensorKey;
    const d1 = index.resolve('produce', 'dave', 'a')!.sensorKey;
    expect(c1).not.toBe(d1);
    const f1 = index.resolve('fetch', 'carol', 'x')!.sensorKey;
    const f2 = index.resolve('fetch', 'dave', 'x')!.sensorKey;
    expect(f1).toBe(f2); // client-id default: one sensor per client id, across users
  });

  it('resolves per-principal connection limits', () => {
    expect(index.maxConnections('bob')).toBe(2);
    expect(index.maxConnections('carol')).toBe(5);
    expect(new QuotaIndex(limits({})).maxConnections('x')).toBeUndefined();
    expect(new QuotaIndex(limits({})).resolve('produce', 'x', 'y')).toBeNull();
  });

  it('takes the user name from the principal', () => {
    expect(userName('User:key-1')).toBe('key-1');
    expect(userName('ANONYMOUS')).toBe('ANONYMOUS');
  });
});

describe('parseLimits', () => {
  it('names the fields it refuses', () => {
    const r = parseLimits({
      cluster: { produceBytesPerSecond: -1, maxPartitions: 1.5, bogus: 1 },
      quotas: [
        { entity: {}, produceBytesPerSecond: 10 },
        { entity: { user: 'a', clientId: 'b' }, maxConnections: 3 },
        { entity: { user: 'x' } },
        { entity: { user: 'x' }, requestsPerSecond: 'fast' },
      ],
    });
    expect(r.ok).toBe(false);
    const fields = r.ok ? [] : r.errors.map((e) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'cluster.produceBytesPerSecond',
        'cluster.maxPartitions',
        'cluster',
        'quotas[0].entity',
        'quotas[1].maxConnections',
        'quotas[3].requestsPerSecond',
      ]),
    );
  });

  it('fills defaults for an empty document', () => {
    expect(parseLimits({})).toEqual({ ok: true, limits: { cluster: {}, quotas: [] } });
    expect(parseLimits(undefined).ok).toBe(false);
  });
});
