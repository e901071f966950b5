import { describe, expect, it } from 'vitest';
import { UnsupportedClusterIdError, poolLabelSelector, poolLabels, poolNames } from './names.js';

describe('pool names', () => {
  it('derives every name from the cluster id', () => {
    const n = poolNames('lkc-7x2k9q', 'pools', 'cluster.local');
    expect(n.base).toBe('kafka-lkc-7x2k9q');
    expect(n.headless).toBe('kafka-lkc-7x2k9q-brokers');
    expect(n.adminSecret).toBe('kafka-lkc-7x2k9q-admin');
    expect(n.pod(2)).toBe('kafka-lkc-7x2k9q-2');
    expect(n.podHost(2)).toBe(
      'kafka-lkc-7x2k9q-2.kafka-lkc-7x2k9q-brokers.pools.svc.cluster.local',
    );
  });

  it('shortens long ids with a hash so pod names and revision labels fit in 63 characters', () => {
    const long = `a${'-b1'.repeat(20)}z`; // 62 characters, a valid label value
    const n = poolNames(long, 'pools', 'cluster.local');
    expect(n.base.length).toBeLessThanOrEqual(45);
    expect(n.base).toMatch(/^kafka-a-b1-b1-b1-b1-b1-b1-b1-b1-b1-[0-9a-f]{10}$/);
    expect(`${n.pod(63)}-0123456789`.length).toBeLessThanOrEqual(63);
    // Another long id with the same first 28 characters gets another name.
    expect(poolNames(`${long.slice(0, -1)}y`, 'pools', 'cluster.local').base).not.toBe(n.base);
    // The same id always gives the same name (the driver finds its objects after a restart).
    expect(poolNames(long, 'pools', 'cluster.local').base).toBe(n.base);
  });

  it('keeps a 45-character base as is and hashes from 46', () => {
    const id39 = 'x'.repeat(39);
    expect(poolNames(id39, 'p', 'c').base).toBe(`kafka-${id39}`);
    expect(poolNames(`${id39}x`, 'p', 'c').base).not.toBe(`kafka-${id39}x`);
  });

  it('rejects ids that cannot be label values', () => {
    for (const id of ['-abc', 'abc-', 'x'.repeat(64)])
      expect(() => poolNames(id, 'p', 'c')).toThrow(UnsupportedClusterIdError);
  });

  it('labels every object with the app.kubernetes.io set and the cluster id', () => {
    expect(poolLabels(poolNames('lkc-1', 'p', 'c'))).toEqual({
      'app.kubernetes.io/component': 'kafka-broker',
      'app.kubernetes.io/instance': 'kafka-lkc-1',
      'app.kubernetes.io/managed-by': 'tributary-agent',
      'app.kubernetes.io/name': 'tributary-broker',
      'app.kubernetes.io/part-of': 'tributary',
      'tributary.dev/cluster-id': 'lkc-1',
    });
    expect(poolLabelSelector('lkc-1')).toBe(
      'app.kubernetes.io/managed-by=tributary-agent,tributary.dev/cluster-id=lkc-1',
    );
    expect(poolLabelSelector()).toBe(
      'app.kubernetes.io/managed-by=tributary-agent,tributary.dev/cluster-id',
    );
  });
});
