import { describe, expect, it } from 'vitest';
import {
  ScramSyntaxError,
  decodeSaslName,
  encodeSaslName,
  parseClientFinal,
  parseClientFirst,
} from './scram-messages.js';

describe('SCRAM message syntax', () => {
  it('parses client-first with an authzid and extensions', () => {
    const m = parseClientFirst(Buffer.from('n,a=u=2Cx,n=u=2Cx,r=abc,tokenauth=true,x=1'));
    expect(m).toMatchObject({
      gs2Header: 'n,a=u=2Cx,',
      authzid: 'u,x',
      username: 'u,x',
      nonce: 'abc',
      bare: 'n=u=2Cx,r=abc,tokenauth=true,x=1',
    });
    expect([...m.extensions]).toEqual([
      ['tokenauth', 'true'],
      ['x', '1'],
    ]);
  });

  it('parses client-final, keeping what the proof covers', () => {
    const m = parseClientFinal(Buffer.from('c=biws,r=abcdef,e=1,p=AAEC'));
    expect(m).toMatchObject({ nonce: 'abcdef', withoutProof: 'c=biws,r=abcdef,e=1' });
    expect(m.channelBinding.toString()).toBe('n,,');
    expect([...m.proof]).toEqual([0, 1, 2]);
  });

  it('escapes and unescapes names', () => {
    expect(encodeSaslName('a,b=c')).toBe('a=2Cb=3Dc');
    expect(decodeSaslName('a=2Cb=3Dc')).toBe('a,b=c');
    expect(() => decodeSaslName('a=2')).toThrow(ScramSyntaxError);
    expect(() => decodeSaslName('')).toThrow(ScramSyntaxError);
  });

  it.each([
    ['', 'empty'],
    ['n,,n=u', 'no nonce'],
    ['n,,r=abc,n=u', 'attributes out of order'],
    ['n,x,n=u,r=abc', 'a bad authzid'],
    ['n,,n=u,r=a b', 'a nonce with a space'],
    ['n,,n=u,r=abc,1=x', 'a malformed extension'],
    ['n,,n=u,r=abc,x=', 'an empty extension value'],
    [`n,,n=u,r=${'a'.repeat(5000)}`, 'an oversized message'],
    ['n,,n=\u0000,r=abc', 'a NUL'],
  ])('refuses client-first %j (%s)', (text) => {
    expect(() => parseClientFirst(Buffer.from(text))).toThrow(ScramSyntaxError);
  });

  it.each([
    ['c=biws,r=abc', 'no proof'],
    ['c=biws,p=AAAA,r=abc', 'proof not last'],
    ['c=bi!s,r=abc,p=AAAA', 'bad base64 channel binding'],
    ['c=biws,r=abc,p=AAA', 'bad base64 proof'],
    ['r=abc,c=biws,p=AAAA', 'attributes out of order'],
  ])('refuses client-final %j (%s)', (text) => {
    expect(() => parseClientFinal(Buffer.from(text))).toThrow(ScramSyntaxError);
  });

  it('refuses invalid UTF-8', () => {
    expect(() => parseClientFirst(Buffer.from([0x6e, 0x2c, 0x2c, 0xff]))).toThrow(ScramSyntaxError);
  });
});
