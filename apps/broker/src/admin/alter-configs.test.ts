import { ErrorCode } from '@tributary/kafka-protocol';
import { describe, expect, it } from 'vitest';
import { applyIncrementalOps, brokerAlterResult, configShapeProblem } from './alter-configs.js';
import { AlterOp, ResourceType } from './config-constants.js';

const defaults = (name: string) => ({ 'cleanup.policy': 'delete' })[name];
const op = (name: string, o: number, value: string | null = null) => ({ name, op: o, value });

describe('configShapeProblem', () => {
  it('refuses duplicate keys', () => {
    expect(
      configShapeProblem([op('a', AlterOp.SET, '1'), op('a', AlterOp.DELETE)], 'incremental'),
    ).toEqual({
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: 'Error due to duplicate config keys',
    });
  });

  it('refuses null values except for DELETE, and any null in a full replacement', () => {
    expect(configShapeProblem([op('a', AlterOp.DELETE)], 'incremental')).toBeNull();
    expect(
      configShapeProblem(
        [op('a', AlterOp.SET), op('b', AlterOp.APPEND), op('c', AlterOp.DELETE)],
        'incremental',
      ),
    ).toEqual({
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: 'Null value not supported for : a, b',
    });
    expect(configShapeProblem([op('a', AlterOp.SET)], 'replace')?.errorMessage).toBe(
      'Null value not supported for : a',
    );
  });

  it('refuses unknown operations', () => {
    expect(configShapeProblem([op('a', 9, '1')], 'incremental')).toEqual({
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: 'Unknown operations type 9',
    });
  });
});

describe('applyIncrementalOps', () => {
  const current = new Map([
    ['retention.ms', '1000'],
    ['cleanup.policy', 'compact'],
  ]);

  it('sets and deletes', () => {
    const next = applyIncrementalOps(
      current,
      [op('retention.ms', AlterOp.DELETE), op('segment.ms', AlterOp.SET, '5')],
      defaults,
    );
    expect(next).toEqual(
      new Map([
        ['cleanup.policy', 'compact'],
        ['segment.ms', '5'],
      ]),
    );
    expect(current.get('retention.ms')).toBe('1000');
  });

  it('appends and subtracts list items, from the default when not overridden', () => {
    expect(
      applyIncrementalOps(
        current,
        [op('cleanup.policy', AlterOp.APPEND, 'delete,compact')],
        defaults,
      ),
    ).toEqual(
      new Map([
        ['retention.ms', '1000'],
        ['cleanup.policy', 'compact,delete'],
      ]),
    );
    expect(
      applyIncrementalOps(new Map(), [op('cleanup.policy', AlterOp.APPEND, 'compact')], defaults),
    ).toEqual(new Map([['cleanup.policy', 'delete,compact']]));
    expect(
      applyIncrementalOps(current, [op('cleanup.policy', AlterOp.SUBTRACT, 'compact')], defaults),
    ).toEqual(
      new Map([
        ['retention.ms', '1000'],
        ['cleanup.policy', ''],
      ]),
    );
  });

  it('refuses APPEND/SUBTRACT on keys that are not lists, known or not', () => {
    expect(
      applyIncrementalOps(current, [op('retention.ms', AlterOp.APPEND, '1')], defaults),
    ).toEqual({
      errorCode: ErrorCode.INVALID_CONFIG,
      errorMessage: "Can't APPEND to key retention.ms because its type is not LIST.",
    });
    expect(applyIncrementalOps(current, [op('no.such', AlterOp.SUBTRACT, '1')], defaults)).toEqual({
      errorCode: ErrorCode.INVALID_CONFIG,
      errorMessage: "Can't SUBTRACT to key no.such because its type is not LIST.",
    });
  });
});

describe('brokerAlterResult', () => {
  const resource = (
    name: string,
    configs: Array<{ name: string; op: number; value: string | null }>,
  ) => ({
    resourceType: ResourceType.BROKER,
    resourceName: name,
    configs,
  });

  it('checks the node id with Kafka messages', () => {
    expect(brokerAlterResult(1, resource('x', []), 'replace')).toEqual({
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: 'Node id must be an integer, but it is: x',
    });
    expect(brokerAlterResult(1, resource('2', []), 'replace')).toEqual({
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: 'Unexpected broker id, expected 1, but received 2',
    });
  });

  it('accepts no-ops and refuses every change', () => {
    expect(brokerAlterResult(1, resource('1', []), 'replace').errorCode).toBe(ErrorCode.NONE);
    expect(
      brokerAlterResult(1, resource('', [op('num.partitions', AlterOp.DELETE)]), 'incremental')
        .errorCode,
    ).toBe(ErrorCode.NONE);
    const refused = brokerAlterResult(
      1,
      resource('1', [op('num.partitions', AlterOp.SET, '3')]),
      'incremental',
    );
    expect(refused.errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect(refused.errorMessage).toMatch(
      /^Cannot update these configs dynamically: num.partitions\./,
    );
  });
});
