import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../config/parse-args.js';
import { saslSettingsFrom } from './sasl-config.js';

function settings(listen: string, props: Record<string, string> = {}) {
  const args = ['--data-dir', '/tmp/x', '--listen', listen];
  for (const [k, v] of Object.entries(props)) args.push('--set', `${k}=${v}`);
  return saslSettingsFrom(parseArgs(args));
}

describe('saslSettingsFrom', () => {
  it('has Tributary defaults', () => {
    expect(settings('SASL_SSL://127.0.0.1:9093')).toEqual({
      mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'],
      maxReauthMs: 0,
      failedAuthenticationDelayMs: 1000,
      maxReceiveBytes: 524288,
      scramIterations: 4096,
    });
  });

  it('reads the properties', () => {
    expect(
      settings('SASL_PLAINTEXT://127.0.0.1:9093', {
        'sasl.enabled.mechanisms': 'SCRAM-SHA-512, PLAIN',
        'connections.max.reauth.ms': '3600000',
        'connection.failed.authentication.delay.ms': '0',
        'sasl.scram.iterations': '8192',
      }),
    ).toMatchObject({
      mechanisms: ['SCRAM-SHA-512', 'PLAIN'],
      maxReauthMs: 3600000,
      failedAuthenticationDelayMs: 0,
      scramIterations: 8192,
    });
  });

  it.each([
    [{ 'sasl.enabled.mechanisms': 'GSSAPI' }, /GSSAPI is not supported/],
    [{ 'sasl.enabled.mechanisms': '' }, /at least one mechanism/],
    [{ 'sasl.scram.iterations': '1000' }, /between 4096 and 16384/],
    [{ 'connections.max.reauth.ms': '-1' }, /must not be negative/],
    [{ 'sasl.server.max.receive.size': '10' }, /at least 1024/],
  ])('refuses %o', (props, error) => {
    expect(() => settings('SASL_SSL://127.0.0.1:9093', props)).toThrow(error);
  });

  it('allows no mechanisms without SASL listeners', () => {
    expect(settings('127.0.0.1:9092', { 'sasl.enabled.mechanisms': '' }).mechanisms).toEqual([]);
  });
});
