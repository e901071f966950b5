/** AdminOps (tools/java) from TypeScript: AdminClient operations, one JVM per call. */
import type { ClientOptions, JsonObject } from './java.js';
import { clientArgs, clientRunOptions, runJavaDriver } from './java.js';
import { arr, asNumber, asObject, asString, bool, num, obj, str, strOrNull } from './json-shape.js';

export interface TopicPartitionDescription {
  partition: number;
  leader: number | null;
  replicas: number[];
  isr: number[];
}

export interface TopicDescription {
  name: string;
  topicId: string;
  internal: boolean;
  partitions: TopicPartitionDescription[];
}

export interface ConfigEntryDescription {
  value: string | null;
  source: string;
  isDefault: boolean;
  readOnly: boolean;
  sensitive: boolean;
}

export interface ClusterNode {
  id: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface ClusterDescription {
  clusterId: string;
  controller: ClusterNode | null;
  nodes: ClusterNode[];
}

export interface CreateTopicOptions {
  partitions?: number;
  replicationFactor?: number;
  configs?: Record<string, string>;
  /** Succeed (created: false) when the topic already exists. */
  ifNotExists?: boolean;
}

/** AdminClient operations through the AdminOps driver, one JVM per call. */
export interface JavaAdmin {
  createTopic(
    name: string,
    options?: CreateTopicOptions,
  ): Promise<TopicDescription & { created: boolean }>;
  /** Creates all topics in one CreateTopics request (one JVM), same options for each. */
  createTopics(
    names: readonly string[],
    options?: CreateTopicOptions,
  ): Promise<(TopicDescription & { created: boolean })[]>;
  describeTopic(name: string): Promise<TopicDescription>;
  listTopics(options?: { internal?: boolean }): Promise<string[]>;
  deleteTopic(name: string): Promise<void>;
  describeConfigs(name: string): Promise<Record<string, ConfigEntryDescription>>;
  describeCluster(): Promise<ClusterDescription>;
}

export function javaAdmin(bootstrap: string, options: ClientOptions = {}): JavaAdmin {
  const run = (args: string[]): Promise<JsonObject[]> =>
    runJavaDriver(
      'AdminOps',
      clientArgs(['--bootstrap', bootstrap, ...args], options),
      clientRunOptions(options),
    );
  const admin = async (args: string[]): Promise<JsonObject> => {
    const lines = await run(args);
    if (lines.length !== 1) throw new Error(`AdminOps printed ${lines.length} lines, expected 1`);
    return lines[0];
  };
  const createTopics = async (
    names: readonly string[],
    o: CreateTopicOptions = {},
  ): Promise<(TopicDescription & { created: boolean })[]> => {
    const args = ['create-topic', ...names];
    if (o.partitions !== undefined) args.push('--partitions', String(o.partitions));
    if (o.replicationFactor !== undefined) {
      args.push('--replication-factor', String(o.replicationFactor));
    }
    for (const [k, v] of Object.entries(o.configs ?? {})) args.push('--config', `${k}=${v}`);
    if (o.ifNotExists) args.push('--if-not-exists');
    const lines = await run(args);
    if (lines.length !== names.length) {
      throw new Error(`AdminOps printed ${lines.length} lines for ${names.length} topics`);
    }
    return lines.map((out) => ({ ...topicDescription(out), created: bool(out, 'created') }));
  };
  return {
    async createTopic(name, o = {}) {
      return (await createTopics([name], o))[0];
    },
    createTopics,
    async describeTopic(name) {
      return topicDescription(await admin(['describe-topic', name]));
    },
    async listTopics(o = {}) {
      const out = await admin(o.internal ? ['list-topics', '--internal'] : ['list-topics']);
      return arr(out, 'topics').map((v) => asString(v, 'topics[]'));
    },
    async deleteTopic(name) {
      await admin(['delete-topic', name]);
    },
    async describeConfigs(name) {
      const configs = obj(await admin(['describe-configs', name]), 'configs');
      const result: Record<string, ConfigEntryDescription> = {};
      for (const [key, v] of Object.entries(configs)) {
        const e = asObject(v, key);
        result[key] = {
          value: strOrNull(e, 'value'),
          source: str(e, 'source'),
          isDefault: bool(e, 'isDefault'),
          readOnly: bool(e, 'readOnly'),
          sensitive: bool(e, 'sensitive'),
        };
      }
      return result;
    },
    async describeCluster() {
      const out = await admin(['describe-cluster']);
      const controller = out.controller;
      return {
        clusterId: str(out, 'clusterId'),
        controller: controller === null ? null : clusterNode(asObject(controller, 'controller')),
        nodes: arr(out, 'nodes').map((n) => clusterNode(asObject(n, 'nodes[]'))),
      };
    },
  };
}

function topicDescription(o: JsonObject): TopicDescription {
  return {
    name: str(o, 'name'),
    topicId: str(o, 'topicId'),
    internal: bool(o, 'internal'),
    partitions: arr(o, 'partitions').map((v) => {
      const p = asObject(v, 'partitions[]');
      return {
        partition: num(p, 'partition'),
        leader: p.leader === null ? null : num(p, 'leader'),
        replicas: arr(p, 'replicas').map((r) => asNumber(r, 'replicas[]')),
        isr: arr(p, 'isr').map((r) => asNumber(r, 'isr[]')),
      };
    }),
  };
}

function clusterNode(o: JsonObject): ClusterNode {
  return {
    id: num(o, 'id'),
    host: str(o, 'host'),
    port: num(o, 'port'),
    rack: strOrNull(o, 'rack'),
  };
}
