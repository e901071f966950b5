/**
 * `npm start`: the whole platform on one machine, from the built bundles.
 *   - PostgreSQL from DATABASE_URL, else started here with its data in .data/postgres;
 *   - Redis from REDIS_URL, else started here with its data in .data/redis;
 *   - S3 for tiered storage from the agent's own settings when TRIBUTARY_AGENT_S3_BUCKET is
 *     set (TRIBUTARY_AGENT_S3_*, AWS_* — apps/agent/README.md), else an S3-compatible server
 *     (s3rver, in this process) with its objects in .data/s3, bucket `tributary`, handed to
 *     the agent;
 *   - the control-plane API on http://127.0.0.1:$PORT (default 8080; it applies the
 *     migrations), the worker, and the agent (process driver, pools under .data/agent);
 *   - a demo login (made through the API on the first start) and the next steps as curl
 *     commands, printed.
 * Ctrl-C (SIGINT) or SIGTERM stops everything in order: agent, brokers, worker, API, Redis,
 * PostgreSQL. Pools keep their data; the next start brings their brokers back.
 * Logs go to .data/logs/<process>.log; warnings and errors are echoed (TRIBUTARY_VERBOSE=1:
 * everything).
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  PlatformProcesses,
  missingPlatformBundles,
  repoRoot,
  type PlatformProcessName,
} from '@tributary/testing';
import { ensureDemoLogin } from './demo-login.js';
import { nextSteps } from './next-steps.js';
import { startLocalPostgres } from './postgres.js';
import { startLocalRedis } from './redis.js';
import { startLocalS3 } from './s3.js';
import { supervise } from './supervise.js';

const root = repoRoot();
const dataDir = resolve(root, process.env.TRIBUTARY_DATA_DIR ?? '.data');
const logDir = join(dataDir, 'logs');
const verbose = process.env.TRIBUTARY_VERBOSE === '1';
const say = (line: string) => console.log(`local platform: ${line}`);

/** One agent token for this data directory, kept in .data/agent-token (mode 0600). */
function agentToken(): string {
  const file = join(dataDir, 'agent-token');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const token = randomBytes(32).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}

const NOTEWORTHY = /\b(ERROR|WARN|error|failed|Failed|FATAL|panic)\b/;

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`PORT must be a port number, got "${process.env.PORT}"`);
  const missing = missingPlatformBundles(root);
  if (missing.length) throw new Error(`not built: ${missing.join(', ')} (npm run build)`);
  mkdirSync(logDir, { recursive: true });

  const stops: { name: string; stop: () => Promise<unknown> }[] = [];
  let stopping: Promise<void> | undefined;
  const shutdown = (why: string, code: number) => {
    stopping ??= (async () => {
      say(`${why}: stopping`);
      for (const s of stops.reverse()) {
        try {
          await s.stop();
        } catch (e) {
          console.error(`local platform: stopping ${s.name} failed: ${(e as Error).message}`);
          code = 1;
        }
      }
      say('stopped');
      process.exit(code);
    })();
    return stopping;
  };
  process.on('SIGINT', () => void shutdown('SIGINT', 0));
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
  process.on('SIGHUP', () => void shutdown('SIGHUP', 0));

  try {
    let databaseUrl = process.env.DATABASE_URL;
    if (databaseUrl) say(`PostgreSQL from DATABASE_URL`);
    else {
      const pg = await startLocalPostgres(dataDir, logDir);
      stops.push({ name: 'PostgreSQL', stop: pg.stop });
      databaseUrl = pg.url;
      say(`PostgreSQL ${pg.url} (data in ${join(dataDir, 'postgres')})`);
    }
    let redisUrl = process.env.REDIS_URL;
    if (redisUrl) say(`Redis from REDIS_URL`);
    else {
      const redis = await startLocalRedis(dataDir, logDir);
      stops.push({ name: 'Redis', stop: redis.stop });
      redisUrl = redis.url;
      say(`Redis ${redis.url} (data in ${join(dataDir, 'redis')})`);
    }
    let s3Env: Record<string, string> = {};
    if (process.env.TRIBUTARY_AGENT_S3_BUCKET)
      say(`S3 bucket ${process.env.TRIBUTARY_AGENT_S3_BUCKET} from TRIBUTARY_AGENT_S3_*`);
    else {
      const s3 = await startLocalS3(dataDir);
      stops.push({ name: 'S3', stop: s3.server.stop });
      s3Env = s3.agentEnv;
      say(
        `S3 ${s3.server.endpoint} (bucket ${s3Env.TRIBUTARY_AGENT_S3_BUCKET}, key ${s3.server.accessKeyId}/${s3.server.secretAccessKey}, path-style; objects in ${s3.server.dataDir}) for tiered storage`,
      );
    }

    const logs = new Map<PlatformProcessName, NodeJS.WritableStream>();
    const procs = new PlatformProcesses({
      databaseUrl,
      redisUrl,
      port,
      host: '127.0.0.1',
      agentToken: agentToken(),
      agentDataRoot: join(dataDir, 'agent'),
      agentPortRange: process.env.TRIBUTARY_AGENT_PORT_RANGE ?? '19092-19999',
      agentEnv: s3Env,
      detached: true,
      root,
      onLine: (name, line) => {
        let log = logs.get(name);
        if (!log)
          logs.set(name, (log = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' })));
        log.write(`${line}\n`);
        if (verbose || NOTEWORTHY.test(line)) console.log(`[${name}] ${line}`);
      },
    });
    stops.push({
      name: 'the control plane, agent and brokers',
      stop: async () => {
        const errors = await procs.stopAll();
        if (errors.length)
          throw new AggregateError(errors, errors.map((e) => e.message).join('; '));
      },
    });
    say('starting the control-plane API, worker and agent');
    await procs.startAll();
    for (const name of ['api', 'worker', 'agent'] as const)
      supervise({
        name,
        process: procs.process(name),
        isStopping: () => stopping !== undefined,
        say,
        giveUp: (reason) => shutdown(reason, 1),
      });
    const demo = await ensureDemoLogin(procs.url, dataDir);
    if (demo.created) say(`created the demo login ${demo.email}`);
    if (!demo.password)
      say(`${demo.email} exists with a password not in ${join(dataDir, 'demo-login.json')}`);
    console.log(nextSteps(procs.url, demo.email, demo.password));
    say(`running; logs in ${logDir}. Ctrl-C to stop.`);
  } catch (e) {
    console.error(`local platform: ${(e as Error).message}`);
    await shutdown('start-up failed', 1);
  }
}

void main();
