import { describe, expect, it } from 'vitest';
import { planTopics } from './topic-plan.js';

const topic = (name: string, partitions: number, configs: Record<string, string> = {}) => ({
  name,
  topicId: `id-${name}`,
  partitions,
  configs,
});

describe('planTopics', () => {
  it('creates, extends, sets and deletes only what the spec names', () => {
    const actions = planTopics(
      [
        { name: 'new', state: 'PRESENT', partitions: 2, configs: { 'retention.ms': '1' } },
        { name: 'grow', state: 'PRESENT', partitions: 4, configs: {} },
        { name: 'shrink', state: 'PRESENT', partitions: 1, configs: {} },
        { name: 'tune', state: 'PRESENT', partitions: 1, configs: { 'cleanup.policy': 'compact' } },
        { name: 'gone', state: 'ABSENT', partitions: 1, configs: {} },
        { name: 'never', state: 'ABSENT', partitions: 1, configs: {} },
      ],
      [
        topic('grow', 2),
        topic('shrink', 3),
        topic('tune', 1, { 'retention.ms': '5', 'segment.ms': '9', 'cleanup.policy': 'delete' }),
        topic('gone', 1),
        topic('client-made', 7, { 'retention.ms': '5' }),
      ],
      { tune: ['cleanup.policy', 'retention.ms'] },
    );
    expect(actions).toEqual([
      { kind: 'create', topic: expect.objectContaining({ name: 'new' }) },
      { kind: 'partitions', name: 'grow', count: 4 },
      { kind: 'refuse', name: 'shrink', error: expect.stringMatching(/^INVALID_PARTITIONS/) },
      // retention.ms was set by the spec before and is dropped; segment.ms was not: kept.
      {
        kind: 'configs',
        name: 'tune',
        set: { 'cleanup.policy': 'compact' },
        remove: ['retention.ms'],
      },
      { kind: 'delete', name: 'gone' },
    ]);
  });

  it('plans nothing when the broker already matches', () => {
    expect(
      planTopics(
        [{ name: 't', state: 'PRESENT', partitions: 2, configs: { 'retention.ms': '1' } }],
        [topic('t', 2, { 'retention.ms': '1', 'segment.ms': '3' })],
        { t: ['retention.ms'] },
      ),
    ).toEqual([]);
  });
});
