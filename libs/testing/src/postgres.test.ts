// The throw-away PostgreSQL and Redis harnesses start fast, serve, and leave nothing behind.
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runProcess } from './run-process.js';
import { startPostgres } from './postgres.js';
import { startRedis } from './redis.js';

describe('startPostgres', () => {
  it('starts in a few seconds, creates databases, and is gone after stop', async () => {
    const t0 = Date.now();
    const pg = await startPostgres();
    const startMs = Date.now() - t0;
    const url = await pg.createDatabase('harness_check');
    const out = await runProcess('psql', [
      url,
      '-Atc',
      'SELECT current_database(), current_setting($$fsync$$)',
    ]);
    expect(out.stdout.toString().trim()).toBe('harness_check|off');
    await pg.stop();
    const after = await runProcess('psql', [pg.url(), '-Atc', 'SELECT 1'], { allowFailure: true });
    expect(after.code).not.toBe(0);
    expect(startMs).toBeLessThan(10_000);
  });
});

describe('startRedis', () => {
  it('answers PING and releases its port on stop', async () => {
    const redis = await startRedis();
    const reply = await new Promise<string>((resolve, reject) => {
      const s = connect(redis.port, '127.0.0.1', () => s.write('PING\r\n'));
      s.once('data', (b) => {
        resolve(b.toString());
        s.end();
      });
      s.once('error', reject);
    });
    expect(reply).toBe('+PONG\r\n');
    await redis.stop();
    expect(redis.process.exitCode !== null || redis.process.signalCode !== null).toBe(true);
    expect(existsSync(`/proc/${redis.process.pid}`)).toBe(false);
  });
});
