/** SASL/PLAIN message parsing (RFC 4616) and the PLAIN server's rules. */
import { describe, expect, it } from 'vitest';
import type { AuthenticatedKey } from './mechanism.js';
import { PlainServer, parsePlain } from './plain.js';

describe('parsePlain', () => {
  it('splits authzid, username and password', () => {
    expect(parsePlain(Buffer.from('\0key\0secret'))).toEqual({
      authzid: '',
      username: 'key',
      password: 'secret',
    });
    expect(parsePlain(Buffer.from('key\0key\0s\u00e9cret'))).toEqual({
      authzid: 'key',
      username: 'key',
      password: 's\u00e9cret',
    });
  });

  it('keeps everything after the second NUL... except a third NUL', () => {
    expect(parsePlain(Buffer.from('\0key\0se\0cret'))).toBeNull();
  });

  it.each([
    ['no NUL', 'keysecret'],
    ['one NUL', 'key\0secret'],
    ['an empty username', '\0\0secret'],
    ['an empty password', '\0key\0'],
    ['nothing', ''],
  ])('refuses %s', (_what, text) => {
    expect(parsePlain(Buffer.from(text))).toBeNull();
  });

  it('refuses invalid UTF-8 and oversized tokens', () => {
    expect(parsePlain(Buffer.from([0, 0x6b, 0, 0xc3, 0x28]))).toBeNull();
    expect(parsePlain(Buffer.from(`\0key\0${'x'.repeat(2000)}`))).toBeNull();
  });
});

describe('PlainServer', () => {
  const key: AuthenticatedKey = { keyId: 'k', principal: 'User:k', expiresAtMs: null, revision: 1 };
  const store = {
    verifyPlain: async (id: string, secret: string) =>
      id === 'k' && secret === 'right'
        ? ({ ok: true, key } as const)
        : ({ ok: false, reason: 'wrong secret' } as const),
  };

  it('succeeds with an empty answer', async () => {
    expect(await new PlainServer(store).evaluate(Buffer.from('\0k\0right'))).toEqual({
      type: 'success',
      token: Buffer.alloc(0),
      key,
    });
  });

  it('refuses an authzid other than the username without checking the secret', async () => {
    expect(await new PlainServer(store).evaluate(Buffer.from('admin\0k\0right'))).toMatchObject({
      type: 'failure',
      keyId: 'k',
    });
  });

  it('refuses a wrong secret, and a second token', async () => {
    const server = new PlainServer(store);
    expect((await server.evaluate(Buffer.from('\0k\0wrong'))).type).toBe('failure');
    expect((await server.evaluate(Buffer.from('\0k\0right'))).type).toBe('failure');
  });
});
