/**
 * What to do to a broker's topics so they match the spec. Only topics the spec names are
 * touched: PRESENT ones are created, get more partitions, and get the configs the spec sets
 * (keys the control plane set earlier and no longer lists are deleted — `managedKeys`
 * remembers which ones it set); ABSENT ones are deleted. Topics clients created stay alone.
 * Kafka cannot remove partitions: asking for fewer is reported as an error, not applied.
 */
import type { DesiredTopic } from '@tributary/contracts';
import type { BrokerTopic } from '../broker-admin/broker-admin-client.js';

export type TopicAction =
  | { kind: 'create'; topic: DesiredTopic }
  | { kind: 'partitions'; name: string; count: number }
  | { kind: 'configs'; name: string; set: Record<string, string>; remove: string[] }
  | { kind: 'delete'; name: string }
  | { kind: 'refuse'; name: string; error: string };

export function planTopics(
  desired: readonly DesiredTopic[],
  current: readonly BrokerTopic[],
  managedKeys: Readonly<Record<string, readonly string[]>>,
): TopicAction[] {
  const have = new Map(current.map((t) => [t.name, t]));
  const actions: TopicAction[] = [];
  for (const want of desired) {
    const topic = have.get(want.name);
    if (want.state === 'ABSENT') {
      if (topic) actions.push({ kind: 'delete', name: want.name });
      continue;
    }
    if (!topic) {
      actions.push({ kind: 'create', topic: want });
      continue;
    }
    if (want.partitions > topic.partitions)
      actions.push({ kind: 'partitions', name: want.name, count: want.partitions });
    else if (want.partitions < topic.partitions)
      actions.push({
        kind: 'refuse',
        name: want.name,
        error: `INVALID_PARTITIONS: the topic has ${topic.partitions} partitions; partitions cannot be removed (asked for ${want.partitions})`,
      });
    const set: Record<string, string> = {};
    for (const [k, v] of Object.entries(want.configs)) if (topic.configs[k] !== v) set[k] = v;
    const remove = (managedKeys[want.name] ?? []).filter(
      (k) => !(k in want.configs) && k in topic.configs,
    );
    if (Object.keys(set).length > 0 || remove.length > 0)
      actions.push({ kind: 'configs', name: want.name, set, remove });
  }
  return actions;
}
