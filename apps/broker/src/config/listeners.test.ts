import { describe, expect, it } from 'vitest';
import { parseEndpoint } from './listeners.js';
import { UsageError, parseArgs } from './parse-args.js';

describe('listeners', () => {
  it('parses protocols, hosts and ports', () => {
    expect(parseEndpoint('127.0.0.1:9092')).toEqual({
      protocol: 'PLAINTEXT',
      host: '127.0.0.1',
      port: 9092,
    });
    expect(parseEndpoint('sasl_ssl://broker.local:9093')).toEqual({
      protocol: 'SASL_SSL',
      host: 'broker.local',
      port: 9093,
    });
    expect(parseEndpoint('SSL://:9094')).toEqual({ protocol: 'SSL', host: '0.0.0.0', port: 9094 });
    expect(parseEndpoint('[::1]:9095')).toEqual({ protocol: 'PLAINTEXT', host: '::1', port: 9095 });
    expect(parseEndpoint('GOPHER://x:1')).toMatch(/unknown security protocol/);
    expect(parseEndpoint('x:99999')).toMatch(/expects/);
  });

  it('pairs --advertised with --listen in order and names duplicate protocols', () => {
    const c = parseArgs([
      '--data-dir',
      '/tmp/x',
      '--listen',
      'SASL_SSL://0.0.0.0:9093',
      '--listen',
      '127.0.0.1:9092',
      '--listen',
      'PLAINTEXT://127.0.0.1:9094',
      '--advertised',
      'kafka.example.com:443',
    ]);
    expect(
      c.listeners.map((l) => [l.name, l.protocol, l.advertisedHost, l.advertisedPort]),
    ).toEqual([
      ['SASL_SSL', 'SASL_SSL', 'kafka.example.com', 443],
      ['PLAINTEXT', 'PLAINTEXT', '127.0.0.1', 9092],
      ['PLAINTEXT_2', 'PLAINTEXT', '127.0.0.1', 9094],
    ]);
    expect(() =>
      parseArgs([
        '--data-dir',
        '/x',
        '--listen',
        ':1',
        '--advertised',
        'a:1',
        '--advertised',
        'b:2',
      ]),
    ).toThrow(UsageError);
    expect(() =>
      parseArgs(['--data-dir', '/x', '--listen', ':1', '--advertised', 'SSL://a:1']),
    ).toThrow(/HOST:PORT/);
  });

  it('needs a pool token of 16+ characters for the admin endpoint', () => {
    const saved = process.env.TRIBUTARY_ADMIN_TOKEN;
    try {
      delete process.env.TRIBUTARY_ADMIN_TOKEN;
      expect(() =>
        parseArgs(['--data-dir', '/x', '--listen', ':1', '--admin-listen', '127.0.0.1:0']),
      ).toThrow(/pool token/);
      process.env.TRIBUTARY_ADMIN_TOKEN = 'short';
      expect(() => parseArgs(['--data-dir', '/x', '--listen', ':1'])).toThrow(/shorter than 16/);
      process.env.TRIBUTARY_ADMIN_TOKEN = 'x'.repeat(32);
      const c = parseArgs(['--data-dir', '/x', '--listen', ':1', '--admin-listen', '127.0.0.1:0']);
      expect(c.admin).toEqual({ host: '127.0.0.1', port: 0, token: 'x'.repeat(32) });
    } finally {
      if (saved === undefined) delete process.env.TRIBUTARY_ADMIN_TOKEN;
      else process.env.TRIBUTARY_ADMIN_TOKEN = saved;
    }
  });
});
