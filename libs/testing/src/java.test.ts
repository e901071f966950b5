import { describe, expect, it } from 'vitest';
import { parseJsonLines } from './java.js';
import { expectedValue } from './java-producer.js';

describe('parseJsonLines', () => {
  it('parses one object per line and skips blank lines', () => {
    expect(parseJsonLines('{"type":"record","offset":1}\n\n{"type":"summary"}\n')).toEqual([
      { type: 'record', offset: 1 },
      { type: 'summary' },
    ]);
  });

  it('rejects lines that are not JSON objects', () => {
    expect(() => parseJsonLines('[1]\n')).toThrow(/JSON object/);
    expect(() => parseJsonLines('log line\n')).toThrow();
  });
});

describe('expectedValue', () => {
  it('mirrors IdempotentProducer.value: the unit repeated and cut to size', () => {
    expect(expectedValue(7, 20).toString()).toBe('value-7|value-7|valu');
    expect(expectedValue(12, 0)).toHaveLength(0);
  });
});
