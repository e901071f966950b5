/**
 * SCRAM against RFC 7677's published SCRAM-SHA-256 exchange (user "user", password "pencil"),
 * through the key derivation and through the whole server, plus SHA-512 round trips and
 * the server's refusals.
 */
import { describe, expect, it } from 'vitest';
import type { AuthenticatedKey } from './mechanism.js';
import {
  clientProof,
  deriveScramCredential,
  saltedPassword,
  serverSignature,
  verifyClientProof,
  type ScramCredential,
  type ScramMechanism,
} from '@tributary/credentials';
import { ScramServer, type ScramCredentialSource } from './scram.js';

// RFC 7677 §3.
const CLIENT_FIRST = 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO';
const SERVER_NONCE = '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
const SERVER_FIRST =
  'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096';
const CLIENT_FINAL =
  'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=';
const SERVER_FINAL = 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=';
const SALT = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
const AUTH_MESSAGE = `n=user,r=rOprNGfwEbeRWgbNEkqO,${SERVER_FIRST},${CLIENT_FINAL.replace(/,p=.*$/, '')}`;

const KEY: AuthenticatedKey = {
  keyId: 'user',
  principal: 'User:user',
  expiresAtMs: null,
  revision: 1,
};

function source(
  credentials: Map<string, ScramCredential>,
  problem: string | null = null,
): ScramCredentialSource {
  return {
    scram: (id) => {
      const credential = credentials.get(id);
      return credential && { credential, key: { ...KEY, keyId: id } };
    },
    fakeScram: (_id, mechanism) => ({
      salt: Buffer.alloc(16, 7),
      iterations: 4096,
      storedKey: Buffer.alloc(mechanism === 'SCRAM-SHA-256' ? 32 : 64),
      serverKey: Buffer.alloc(mechanism === 'SCRAM-SHA-256' ? 32 : 64),
    }),
    currentProblem: () => problem,
  };
}

describe('SCRAM-SHA-256, RFC 7677 test vector', () => {
  it('derives the keys that verify the published proof and signature', async () => {
    const credential = await deriveScramCredential('SCRAM-SHA-256', 'pencil', SALT, 4096);
    const proof = Buffer.from(CLIENT_FINAL.split(',p=')[1], 'base64');
    expect(verifyClientProof('SCRAM-SHA-256', credential, AUTH_MESSAGE, proof)).toBe(true);
    expect(serverSignature('SCRAM-SHA-256', credential, AUTH_MESSAGE).toString('base64')).toBe(
      SERVER_FINAL.slice(2),
    );
    const salted = await saltedPassword('SCRAM-SHA-256', 'pencil', SALT, 4096);
    expect(clientProof('SCRAM-SHA-256', salted, AUTH_MESSAGE)).toEqual(proof);
  });

  it('runs the published exchange through the server byte for byte', async () => {
    const credential = await deriveScramCredential('SCRAM-SHA-256', 'pencil', SALT, 4096);
    const server = new ScramServer(
      'SCRAM-SHA-256',
      source(new Map([['user', credential]])),
      () => SERVER_NONCE,
    );
    const first = await server.evaluate(Buffer.from(CLIENT_FIRST));
    expect(first).toEqual({ type: 'challenge', token: Buffer.from(SERVER_FIRST) });
    const final = await server.evaluate(Buffer.from(CLIENT_FINAL));
    expect(final.type).toBe('success');
    expect(final.type === 'success' && final.token.toString()).toBe(SERVER_FINAL);
    // A finished exchange takes no more tokens.
    expect((await server.evaluate(Buffer.from(CLIENT_FINAL))).type).toBe('failure');
  });

  it('refuses the published proof for the wrong password', async () => {
    const credential = await deriveScramCredential('SCRAM-SHA-256', 'pencil2', SALT, 4096);
    const server = new ScramServer(
      'SCRAM-SHA-256',
      source(new Map([['user', credential]])),
      () => SERVER_NONCE,
    );
    await server.evaluate(Buffer.from(CLIENT_FIRST));
    expect(await server.evaluate(Buffer.from(CLIENT_FINAL))).toMatchObject({
      type: 'failure',
      reason: 'wrong secret',
      keyId: 'user',
    });
  });

  it('refuses a key that was deleted or replaced during the exchange', async () => {
    const credential = await deriveScramCredential('SCRAM-SHA-256', 'pencil', SALT, 4096);
    const server = new ScramServer(
      'SCRAM-SHA-256',
      source(new Map([['user', credential]]), 'key deleted'),
      () => SERVER_NONCE,
    );
    await server.evaluate(Buffer.from(CLIENT_FIRST));
    expect(await server.evaluate(Buffer.from(CLIENT_FINAL))).toMatchObject({
      type: 'failure',
      reason: 'key deleted',
    });
  });
});

describe('SCRAM-SHA-512 round trip', () => {
  const mechanism: ScramMechanism = 'SCRAM-SHA-512';

  it('accepts the right password and a name with escaped "," and "="', async () => {
    const salt = Buffer.from('0123456789abcdef');
    const credential = await deriveScramCredential(mechanism, 'secret', salt, 4096);
    const name = 'a,b=c';
    const server = new ScramServer(mechanism, source(new Map([[name, credential]])), () => 'SRV');
    const bare = 'n=a=2Cb=3Dc,r=CLIENT';
    const first = await server.evaluate(Buffer.from(`n,,${bare}`));
    const serverFirst = first.type === 'challenge' ? first.token.toString() : '';
    expect(serverFirst).toBe(`r=CLIENTSRV,s=${salt.toString('base64')},i=4096`);
    const withoutProof = 'c=biws,r=CLIENTSRV';
    const authMessage = `${bare},${serverFirst},${withoutProof}`;
    const salted = await saltedPassword(mechanism, 'secret', salt, 4096);
    const proof = clientProof(mechanism, salted, authMessage).toString('base64');
    const final = await server.evaluate(Buffer.from(`${withoutProof},p=${proof}`));
    expect(final).toMatchObject({ type: 'success', key: { keyId: name } });
  });

  it('accepts an authzid equal to the username and echoed in the channel binding', async () => {
    const salt = Buffer.from('0123456789abcdef');
    const credential = await deriveScramCredential(mechanism, 'secret', salt, 4096);
    const server = new ScramServer(mechanism, source(new Map([['u', credential]])), () => 'S');
    const first = await server.evaluate(Buffer.from('n,a=u,n=u,r=C'));
    const serverFirst = first.type === 'challenge' ? first.token.toString() : '';
    const withoutProof = `c=${Buffer.from('n,a=u,').toString('base64')},r=CS`;
    const salted = await saltedPassword(mechanism, 'secret', salt, 4096);
    const proof = clientProof(mechanism, salted, `n=u,r=C,${serverFirst},${withoutProof}`);
    const final = await server.evaluate(
      Buffer.from(`${withoutProof},p=${proof.toString('base64')}`),
    );
    expect(final.type).toBe('success');
  });

  it('refuses an authzid that differs from the username', async () => {
    const server = new ScramServer(mechanism, source(new Map()), () => 'S');
    expect(await server.evaluate(Buffer.from('n,a=admin,n=u,r=C'))).toMatchObject({
      type: 'failure',
    });
  });

  it('runs an unknown user on a fake credential and fails at the end', async () => {
    const server = new ScramServer(mechanism, source(new Map()), () => 'S');
    const first = await server.evaluate(Buffer.from('n,,n=ghost,r=C'));
    expect(first.type).toBe('challenge');
    const proof = Buffer.alloc(64).toString('base64');
    expect(await server.evaluate(Buffer.from(`c=biws,r=CS,p=${proof}`))).toMatchObject({
      type: 'failure',
      reason: 'unknown key',
      keyId: 'ghost',
    });
  });
});
