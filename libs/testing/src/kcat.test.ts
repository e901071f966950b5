import { describe, expect, it } from 'vitest';
import { kcatSecurityProperties, parseKcatRecords } from './kcat.js';

describe('parseKcatRecords', () => {
  it('reads binary keys and values, including newlines and NULLs', () => {
    const out = Buffer.concat([
      Buffer.from('0 5 2 3 1700000000000\n'),
      Buffer.from('k\n'),
      Buffer.from([0, 10, 255]),
      Buffer.from('1 9 -1 -1 1700000000001\n'),
      Buffer.from('2 0 0 1 -1\n'),
      Buffer.from('\n'),
    ]);
    expect(parseKcatRecords(out)).toEqual([
      {
        partition: 0,
        offset: 5,
        key: Buffer.from('k\n'),
        value: Buffer.from([0, 10, 255]),
        timestamp: 1700000000000,
      },
      { partition: 1, offset: 9, key: null, value: null, timestamp: 1700000000001 },
      { partition: 2, offset: 0, key: Buffer.alloc(0), value: Buffer.from('\n'), timestamp: -1 },
    ]);
  });

  it('rejects truncated output', () => {
    expect(() => parseKcatRecords(Buffer.from('0 1 5 5 0\nabc'))).toThrow(/truncated/);
  });
});

describe('kcatSecurityProperties', () => {
  it('maps SASL/TLS options to librdkafka settings', () => {
    expect(
      kcatSecurityProperties({
        protocol: 'SASL_SSL',
        saslMechanism: 'SCRAM-SHA-256',
        username: 'u',
        password: 'p',
        caLocation: '/ca.pem',
        endpointIdentification: 'none',
      }),
    ).toEqual({
      'security.protocol': 'sasl_ssl',
      'sasl.mechanisms': 'SCRAM-SHA-256',
      'sasl.username': 'u',
      'sasl.password': 'p',
      'ssl.ca.location': '/ca.pem',
      'ssl.endpoint.identification.algorithm': 'none',
    });
  });
});
