import { describe, expect, it } from 'vitest';
import { parseArgs } from './parse-args.js';
import {
  TOPIC_CONFIGS,
  effectiveTopicConfig,
  logConfigFor,
  topicConfigProblem,
  topicOverridesProblem,
  remoteStorageDisableProblem,
  withCreationDefaults,
} from './topic-configs.js';

const broker = (props: Record<string, string> = {}) =>
  parseArgs([
    '--data-dir',
    '/tmp/tributary-unit',
    '--listen',
    '127.0.0.1:0',
    ...Object.entries(props).flatMap(([k, v]) => ['--set', `${k}=${v}`]),
  ]);

describe('topic config table', () => {
  it('has a default for every key, valid by its own rules', () => {
    const effective = effectiveTopicConfig(broker(), new Map());
    for (const def of TOPIC_CONFIGS) {
      const value = effective.get(def.name)!;
      expect(def.validate(value), `${def.name}=${value}`).toBeNull();
    }
  });

  it('is sorted by name and covers the Kafka 4.x topic configs clients ask for', () => {
    const names = TOPIC_CONFIGS.map((d) => d.name);
    expect(names).toEqual([...names].sort());
    for (const name of [
      'cleanup.policy',
      'compression.type',
      'compression.gzip.level',
      'local.retention.ms',
      'max.message.bytes',
      'message.timestamp.type',
      'min.insync.replicas',
      'remote.storage.enable',
      'retention.bytes',
      'retention.ms',
      'segment.bytes',
      'unclean.leader.election.enable',
    ]) {
      expect(names).toContain(name);
    }
  });

  it('takes defaults from broker synonyms', () => {
    const effective = effectiveTopicConfig(broker({ 'log.retention.ms': '1000' }), new Map());
    expect(effective.get('retention.ms')).toBe('1000');
    expect(effective.get('segment.bytes')).toBe('1073741824');
    expect(effective.get('file.delete.delay.ms')).toBe('60000');
    expect(effective.get('remote.storage.enable')).toBe('false');
  });
});

describe('topicConfigProblem', () => {
  it.each([
    ['retention.ms', '1000', null],
    ['retention.ms', '-1', null],
    ['retention.ms', '9223372036854775807', null],
    [
      'retention.ms',
      '-2',
      'Invalid value -2 for configuration retention.ms: Value must be at least -1',
    ],
    [
      'retention.ms',
      'abc',
      'Invalid value abc for configuration retention.ms: Not a number of type LONG',
    ],
    [
      'retention.ms',
      '9223372036854775808',
      'Invalid value 9223372036854775808 for configuration retention.ms: Not a number of type LONG',
    ],
    [
      'max.message.bytes',
      '2147483648',
      'Invalid value 2147483648 for configuration max.message.bytes: Not a number of type INT',
    ],
    [
      'segment.bytes',
      '1024',
      'Invalid value 1024 for configuration segment.bytes: Value must be at least 1048576',
    ],
    ['min.cleanable.dirty.ratio', '0.25', null],
    [
      'min.cleanable.dirty.ratio',
      '1.5',
      'Invalid value 1.5 for configuration min.cleanable.dirty.ratio: Value must be no more than 1',
    ],
    [
      'min.cleanable.dirty.ratio',
      'x',
      'Invalid value x for configuration min.cleanable.dirty.ratio: Not a number of type DOUBLE',
    ],
    ['cleanup.policy', 'compact, delete', null],
    [
      'cleanup.policy',
      'compact,remove',
      'Invalid value compact,remove for configuration cleanup.policy: String must be one of: compact, delete',
    ],
    [
      'compression.type',
      'brotli',
      'Invalid value brotli for configuration compression.type: String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer',
    ],
    ['preallocate', 'TRUE', null],
    [
      'preallocate',
      'yes',
      'Invalid value yes for configuration preallocate: Expected value to be either true or false',
    ],
    ['compression.gzip.level', '-1', null],
    [
      'compression.gzip.level',
      '0',
      'Invalid value 0 for configuration compression.gzip.level: Value must be between 1 and 9, or -1',
    ],
    ['compression.zstd.level', '-131072', null],
    ['leader.replication.throttled.replicas', '0:1,1:1', null],
    ['leader.replication.throttled.replicas', '*', null],
    [
      'leader.replication.throttled.replicas',
      'all',
      "Invalid value all for configuration leader.replication.throttled.replicas: leader.replication.throttled.replicas must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],...",
    ],
    ['remote.storage.enable', 'true', null],
    [
      'remote.storage.enable',
      'yes',
      'Invalid value yes for configuration remote.storage.enable: Expected value to be either true or false',
    ],
    ['no.such.key', '1', 'Unknown topic config name: no.such.key'],
  ])('%s=%s', (name, value, expected) => {
    expect(topicConfigProblem(name, value)).toBe(expected);
  });
});

describe('topicOverridesProblem', () => {
  it('reports null values, then unknown names, then bad values', () => {
    const b = broker();
    expect(
      topicOverridesProblem(
        b,
        new Map([
          ['retention.ms', null],
          ['flush.ms', null],
        ]),
      ),
    ).toBe('Null value not supported for topic configs: retention.ms,flush.ms');
    expect(
      topicOverridesProblem(
        b,
        new Map([
          ['retention.ms', 'x'],
          ['nope', '1'],
        ]),
      ),
    ).toBe('Unknown topic config name: nope');
    expect(topicOverridesProblem(b, new Map([['retention.ms', '5']]))).toBeNull();
  });

  it('checks min.compaction.lag.ms against the effective max.compaction.lag.ms', () => {
    const b = broker({ 'log.cleaner.max.compaction.lag.ms': '100' });
    expect(topicOverridesProblem(b, new Map([['min.compaction.lag.ms', '200']]))).toBe(
      'conflict topic config setting min.compaction.lag.ms (200) > max.compaction.lag.ms (100)',
    );
    expect(
      topicOverridesProblem(
        b,
        new Map([
          ['min.compaction.lag.ms', '200'],
          ['max.compaction.lag.ms', '300'],
        ]),
      ),
    ).toBeNull();
  });
});

describe('logConfigFor', () => {
  it('maps overrides onto the log configuration', () => {
    const c = logConfigFor(
      broker(),
      new Map([
        ['cleanup.policy', 'delete, compact'],
        ['retention.ms', '9223372036854775807'],
      ]),
    );
    expect(c.cleanupPolicy).toBe('compact,delete');
    expect(c.retentionMs).toBe(Number.MAX_SAFE_INTEGER);
    expect(c.segmentBytes).toBe(1073741824);
  });
});

describe('tiered storage topic configs', () => {
  const tiered = (o: Record<string, string>) => new Map(Object.entries(o));
  it('refuses remote.storage.enable while the broker has no remote storage', () => {
    expect(topicOverridesProblem(broker(), tiered({ 'remote.storage.enable': 'true' }))).toBe(
      'Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.',
    );
  });

  it('refuses compacted topics and local limits beyond the total ones, as Kafka does', () => {
    const b = broker({ 'remote.log.storage.system.enable': 'true' });
    expect(topicOverridesProblem(b, tiered({ 'remote.storage.enable': 'true' }))).toBeNull();
    for (const policy of ['compact', 'compact,delete']) {
      expect(
        topicOverridesProblem(
          b,
          tiered({ 'remote.storage.enable': 'true', 'cleanup.policy': policy }),
        ),
      ).toBe('Remote log storage is unsupported for the compacted topics');
    }
    expect(
      topicOverridesProblem(
        b,
        tiered({
          'remote.storage.enable': 'true',
          'retention.ms': '1000',
          'local.retention.ms': '2000',
        }),
      ),
    ).toBe(
      'Invalid value 2000 for configuration local.retention.ms: Value must not be more than retention.ms property value: 1000',
    );
    expect(
      topicOverridesProblem(
        b,
        tiered({
          'remote.storage.enable': 'true',
          'retention.bytes': '1000',
          'local.retention.bytes': '-1',
        }),
      ),
    ).toBe(
      'Invalid value -1 for configuration local.retention.bytes: Value must not be -1 as retention.bytes value is set as 1000.',
    );
  });

  it('hands the local limits to the log configuration', () => {
    const c = logConfigFor(
      broker({ 'remote.log.storage.system.enable': 'true' }),
      tiered({ 'remote.storage.enable': 'true', 'local.retention.bytes': '4096' }),
    );
    expect(c).toMatchObject({
      remoteStorageEnable: true,
      localRetentionBytes: 4096,
      localRetentionMs: -2,
    });
  });
});

describe('default.remote.storage.enable (a plan tiers new topics)', () => {
  const on = {
    'remote.log.storage.system.enable': 'true',
    'default.remote.storage.enable': 'true',
  };
  const make = (o: Record<string, string>) => new Map(Object.entries(o));
  const created = (props: Record<string, string>, configs: Record<string, string>) =>
    Object.fromEntries(withCreationDefaults(broker(props), make(configs)));

  it('adds remote.storage.enable=true to a new topic when the broker tiers by default', () => {
    expect(created(on, {})).toEqual({ 'remote.storage.enable': 'true' });
    expect(created(on, { 'retention.ms': '-1' })).toEqual({
      'retention.ms': '-1',
      'remote.storage.enable': 'true',
    });
  });

  it('leaves the request alone when it says, when the topic is compacted, or tiering is off', () => {
    expect(created(on, { 'remote.storage.enable': 'false' })).toEqual({
      'remote.storage.enable': 'false',
    });
    expect(created(on, { 'cleanup.policy': 'compact' })).toEqual({ 'cleanup.policy': 'compact' });
    expect(created({ ...on, 'log.cleanup.policy': 'compact,delete' }, {})).toEqual({});
    expect(created({ 'default.remote.storage.enable': 'true' }, {})).toEqual({});
    expect(created({ 'remote.log.storage.system.enable': 'true' }, {})).toEqual({});
  });

  it('does not refuse a short retention.ms because of a longer local default from the broker', () => {
    const b = broker({ ...on, 'log.local.retention.ms': '21600000' });
    const overrides = withCreationDefaults(b, make({ 'retention.ms': '3600000' }));
    expect(topicOverridesProblem(b, overrides)).toBeNull();
    // ...but an explicit local.retention.ms beyond the total is refused, as Kafka does.
    expect(
      topicOverridesProblem(
        b,
        withCreationDefaults(b, make({ 'retention.ms': '1000', 'local.retention.ms': '2000' })),
      ),
    ).toBe(
      'Invalid value 2000 for configuration local.retention.ms: Value must not be more than retention.ms property value: 1000',
    );
  });
});

describe('KIP-950: read-only remote data and turning tiering off', () => {
  const b = broker({ 'remote.log.storage.system.enable': 'true' });
  const make = (o: Record<string, string>) => new Map(Object.entries(o));
  it('needs local.retention.* equal to the total (or -2) once copies are disabled', () => {
    const on = { 'remote.storage.enable': 'true', 'remote.log.copy.disable': 'true' };
    expect(topicOverridesProblem(b, make(on))).toBeNull();
    expect(
      topicOverridesProblem(b, make({ ...on, 'retention.ms': '1000', 'local.retention.ms': '-2' })),
    ).toBeNull();
    expect(
      topicOverridesProblem(
        b,
        make({ ...on, 'retention.ms': '1000', 'local.retention.ms': '1000' }),
      ),
    ).toBeNull();
    expect(
      topicOverridesProblem(
        b,
        make({ ...on, 'retention.ms': '1000', 'local.retention.ms': '500' }),
      ),
    ).toBe(
      'When `remote.log.copy.disable` is set to true, the `local.retention.ms` and `retention.ms` must be set to the identical value because there will be no more logs copied to the remote storage.',
    );
    expect(logConfigFor(b, make(on)).remoteLogCopyDisable).toBe(true);
  });

  it('turns tiering off only together with remote.log.delete.on.disable=true', () => {
    const was = make({ 'remote.storage.enable': 'true' });
    expect(remoteStorageDisableProblem(was, make({}))).toMatch(
      /^It is invalid to disable remote storage without deleting remote data\. If you want to keep the remote data and turn to read only, please set `remote\.storage\.enable=true,remote\.log\.copy\.disable=true`\./,
    );
    expect(
      remoteStorageDisableProblem(
        was,
        make({ 'remote.storage.enable': 'false', 'remote.log.delete.on.disable': 'true' }),
      ),
    ).toBeNull();
    expect(remoteStorageDisableProblem(make({}), make({}))).toBeNull();
  });
});
