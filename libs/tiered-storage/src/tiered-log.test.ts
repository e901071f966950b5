import type { LogConfig } from '@tributary/log-store';
import { describe, expect, it } from 'vitest';
import { localLogConfig } from './tiered-log.js';

const base = { remoteStorageEnable: true, retentionMs: 3_600_000, retentionBytes: -1 };
const local = (o: Partial<LogConfig>) => {
  const c = localLogConfig({ ...base, ...o } as LogConfig);
  return [c.retentionMs, c.retentionBytes];
};

describe('localLogConfig', () => {
  it('uses local.retention.* in place of the totals, -2 meaning "as the total"', () => {
    expect(local({ localRetentionMs: 60_000, localRetentionBytes: 4096 })).toEqual([60_000, 4096]);
    expect(local({ localRetentionMs: -2, localRetentionBytes: -2 })).toEqual([3_600_000, -1]);
  });

  it('never keeps more locally than the total retention', () => {
    expect(local({ localRetentionMs: 21_600_000 })).toEqual([3_600_000, -1]);
    expect(local({ localRetentionMs: -1 })).toEqual([3_600_000, -1]);
    expect(local({ retentionBytes: 1000, localRetentionBytes: 5000 })).toEqual([3_600_000, 1000]);
    expect(local({ retentionMs: -1, localRetentionMs: 60_000 })).toEqual([60_000, -1]);
  });

  it('leaves an untiered topic as configured', () => {
    const c = { ...base, remoteStorageEnable: false, localRetentionMs: 1 } as LogConfig;
    expect(localLogConfig(c)).toBe(c);
  });
});
