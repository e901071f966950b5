/**
 * A short SASL fuzz run in the default suite: on a SASL_PLAINTEXT listener, random
 * sequences of SaslHandshake / SaslAuthenticate frames (mutated at the byte level or carrying
 * mutated PLAIN and SCRAM payloads: random bytes, truncation, huge lengths, wrong order,
 * legacy raw tokens, re-authentication attempts). The broker must never crash or log an
 * unexpected error, must release every connection, and must still serve health checks and
 * a valid login afterwards.
 */
import {
  ApiKey,
  ErrorCode,
  makeApiVersionsRequest,
  makeSaslAuthenticateRequest,
  makeSaslHandshakeRequest,
  seededRng,
  type Rng,
  type SaslAuthenticateResponse,
} from '@tributary/kafka-protocol';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { healthCheck } from '../fuzz/fuzz-loop.js';
import { mutateFrame } from '../fuzz/mutate.js';
import { captureLog, type CapturedLog } from './support/capture-log.js';
import { RawClient } from './support/raw-client.js';
import { ScramClient, plainToken, saslAuthenticate } from './support/sasl-client.js';
import { startTestBroker, type TestBroker } from './support/in-process-broker.js';

const SECRET = 'fuzz-secret-0123456789';
const MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
let tb: TestBroker;
let log: CapturedLog;

beforeAll(async () => {
  log = captureLog();
  tb = await startTestBroker(
    {
      'connection.failed.authentication.delay.ms': '0',
      'connections.max.reauth.ms': '60000',
      'sasl.server.max.receive.size': '65536',
    },
    undefined,
    0,
    { extraArgs: ['--listen', 'SASL_PLAINTEXT://127.0.0.1:0'], log },
  );
  await tb.broker.context.credentials.upsert('fuzz', {
    secret: SECRET,
    expiresAt: null,
    principal: null,
  });
});
afterAll(async () => {
  await tb.stop();
});

function randomBytes(rand: Rng, max: number): Buffer {
  return Buffer.from(Array.from({ length: rand(max + 1) }, () => rand(256)));
}

/** A SASL payload: a valid one mutated, or noise. */
function payload(rand: Rng): Buffer {
  const seeds = [
    plainToken('fuzz', SECRET),
    plainToken('fuzz', SECRET, 'fuzz'),
    Buffer.from('n,,n=fuzz,r=abcdefghijklmnop'),
    Buffer.from('n,a=fuzz,n=fuzz,r=x,ext=1'),
    Buffer.from('c=biws,r=abcdefghijklmnopSERVER,p=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='),
    Buffer.from('m=x,n=fuzz,r=y'),
  ];
  const seed = seeds[rand(seeds.length)];
  switch (rand(6)) {
    case 0:
      return randomBytes(rand, 300);
    case 1:
      return seed.subarray(0, rand(seed.length + 1));
    case 2: {
      const o = Buffer.from(seed);
      for (let i = 0; i < 1 + rand(4); i++) if (o.length) o[rand(o.length)] = rand(256);
      return o;
    }
    case 3: {
      const specials = [0, 0x2c, 0x3d, 0xff, 0xc3];
      const at = rand(seed.length + 1);
      return Buffer.concat([
        seed.subarray(0, at),
        Buffer.from([specials[rand(5)]]),
        seed.subarray(at),
      ]);
    }
    case 4:
      return Buffer.alloc(5000 + rand(60_000), rand(256));
    default:
      return seed;
  }
}

function handshakeFrame(c: RawClient, rand: Rng): Buffer {
  const mechanism = rand(4) === 0 ? randomBytes(rand, 20).toString('latin1') : MECHANISMS[rand(3)];
  return c.frame(ApiKey.SaslHandshake, rand(2), makeSaslHandshakeRequest({ mechanism }));
}

function authenticateFrame(c: RawClient, rand: Rng, authBytes = payload(rand)): Buffer {
  return c.frame(ApiKey.SaslAuthenticate, rand(3), makeSaslAuthenticateRequest({ authBytes }));
}

function maybeMutate(frame: Buffer, rand: Rng): Buffer {
  return rand(3) === 0 ? mutateFrame(frame, rand) : frame;
}

function rawToken(token: Buffer, rand: Rng): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(rand(8) === 0 ? 0x7fffffff : token.length);
  return Buffer.concat([size, token]);
}

/** One connection's worth of abuse; resolves when the broker closed it or went quiet. */
async function episode(port: number, rand: Rng): Promise<'closed' | 'open'> {
  const c = await RawClient.connect(port);
  try {
    const scenario = rand(6);
    if (scenario === 1 || scenario === 5) {
      // A valid login first, then fuzz on an authenticated connection (re-authentication).
      const { response } = await saslAuthenticate(c, MECHANISMS[rand(3)], 'fuzz', SECRET);
      if (response?.errorCode !== ErrorCode.NONE) throw new Error('valid login failed');
    }
    if (scenario === 2) {
      // A valid SCRAM first step, then a mutated final message.
      const scram = new ScramClient('SCRAM-SHA-256', 'fuzz', SECRET);
      await c.call(
        ApiKey.SaslHandshake,
        1,
        makeSaslHandshakeRequest({ mechanism: 'SCRAM-SHA-256' }),
      );
      const first = await c.call<SaslAuthenticateResponse>(
        ApiKey.SaslAuthenticate,
        2,
        makeSaslAuthenticateRequest({ authBytes: scram.first() }),
      );
      const final = await scram.final(first.authBytes);
      c.send(
        maybeMutate(
          authenticateFrame(
            c,
            rand,
            mutateFrame(Buffer.concat([Buffer.alloc(4), final]), rand).subarray(4),
          ),
          rand,
        ),
      );
    }
    if (scenario === 3) {
      // The legacy flow: SaslHandshake v0, then raw tokens (sometimes with absurd sizes).
      c.send(
        c.frame(
          ApiKey.SaslHandshake,
          0,
          makeSaslHandshakeRequest({ mechanism: MECHANISMS[rand(3)] }),
        ),
      );
      for (let i = 0; i < 1 + rand(3); i++) c.send(rawToken(payload(rand), rand));
    }
    for (let i = 0; i < 1 + rand(6); i++) {
      const kind = rand(4);
      const frame =
        kind === 0
          ? handshakeFrame(c, rand)
          : kind === 1
            ? c.frame(ApiKey.ApiVersions, rand(4), makeApiVersionsRequest())
            : authenticateFrame(c, rand);
      c.send(maybeMutate(frame, rand));
    }
    for (;;) {
      const r = await c.next(100).catch(() => 'quiet' as const);
      if (r === null) return 'closed';
      if (r === 'quiet') return 'open';
    }
  } finally {
    c.close();
  }
}

it('survives fuzzed SASL handshakes and payloads, then serves and authenticates', async () => {
  const port = tb.listenerPort('SASL_PLAINTEXT');
  const deadline = Date.now() + Number(process.env.SASL_FUZZ_MS ?? 6000);
  const outcomes = { closed: 0, open: 0 };
  let episodes = 0;
  // Four connections at a time, each worker with its own seeded sequence.
  await Promise.all(
    [1, 2, 3, 4].map(async (worker) => {
      const rand = seededRng(20261125 + worker);
      while (Date.now() < deadline) {
        outcomes[await episode(port, rand)]++;
        episodes++;
        if (episodes % 100 === 0) await healthCheck(tb.port);
      }
    }),
  );
  expect(episodes).toBeGreaterThan(300);
  expect(outcomes.closed).toBeGreaterThan(0);

  await healthCheck(tb.port);
  const c = await RawClient.connect(port);
  const { response } = await saslAuthenticate(c, 'SCRAM-SHA-512', 'fuzz', SECRET);
  expect(response?.errorCode).toBe(ErrorCode.NONE);
  c.close();

  // Every fuzzing connection is released (no leaked sessions or held responses).
  const registry = tb.broker.context.connections;
  for (let i = 0; i < 100 && registry.size > 0; i++) await new Promise((r) => setTimeout(r, 20));
  expect(registry.size).toBe(0);
  expect(log.lines.filter((l) => l.startsWith('ERROR'))).toEqual([]);
  console.log(
    `SASL fuzz: ${episodes} connections (${outcomes.closed} closed by the broker), ${tb.broker.context.sasl.stats.failed} failed authentications`,
  );
}, 60_000);
