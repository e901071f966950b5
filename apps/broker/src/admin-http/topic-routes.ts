/**
 * Topic routes of the admin endpoint, for the data-plane agent (topics the control plane
 * manages; tenants keep using CreateTopics & co. over Kafka):
 *   GET    /v1/topics                        { topics: [{ name, topicId, partitions, configs }] }
 *   GET    /v1/topics/{name}                 one topic (configs = the topic's overrides)
 *   POST   /v1/topics                        { name, partitions?, configs? }  201 + the topic
 *   PATCH  /v1/topics/{name}/configs         { set?: {key: value}, delete?: [key] }  200 + topic
 *   POST   /v1/topics/{name}/partitions      { count }  the new total, as CreatePartitions; 200
 *   DELETE /v1/topics/{name}                 204
 * Every change goes through the TopicManager with Kafka's validation and the pool's policy,
 * so the checks and messages are CreateTopics', IncrementalAlterConfigs', CreatePartitions'
 * and DeleteTopics'. A refused change is problem+json whose `kafkaError` names the Kafka
 * error (title and detail are Kafka's name and message). No ACLs apply: the caller holds the
 * pool token.
 */
import { ERROR_INFO, ErrorCode } from '@tributary/kafka-protocol';
import { z } from 'zod';
import {
  applyIncrementalOps,
  configShapeProblem,
  type AlterConfig,
} from '../admin/alter-configs.js';
import { AlterOp } from '../admin/config-constants.js';
import { configNumber } from '../config/broker-config.js';
import { TOPIC_CONFIG_BY_NAME, defaultTopicConfigValue } from '../config/topic-configs.js';
import type { BrokerContext } from '../context.js';
import type { AdminResult, Topic } from '../topics/topic-manager.js';
import { topicNameProblem } from '../topics/topic-name.js';
import { ProblemError, badRequest } from './problem.js';
import type { Router } from './router.js';

export interface TopicView {
  name: string;
  topicId: string;
  partitions: number;
  /** The topic's config overrides; unset keys take the broker defaults. */
  configs: Record<string, string>;
}

const createBody = z.strictObject({
  name: z.string(),
  /** Absent: num.partitions, as CreateTopics with -1. */
  partitions: z.number().int().optional(),
  configs: z.record(z.string(), z.string()).default({}),
});

const alterBody = z.strictObject({
  set: z.record(z.string(), z.string()).default({}),
  delete: z.array(z.string()).default([]),
});

const partitionsBody = z.strictObject({ count: z.number().int() });

/** HTTP status of a refused change, by Kafka error. */
const STATUS: ReadonlyMap<number, number> = new Map([
  [ErrorCode.TOPIC_ALREADY_EXISTS, 409],
  [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 404],
  [ErrorCode.POLICY_VIOLATION, 422],
  [ErrorCode.TOPIC_DELETION_DISABLED, 403],
  [ErrorCode.KAFKA_STORAGE_ERROR, 503],
]);

export function kafkaProblem(result: AdminResult): ProblemError {
  const name = ERROR_INFO.get(result.errorCode)?.name ?? `ERROR_${result.errorCode}`;
  const problem = {
    type: 'https://tributary.dev/problems/kafka-error',
    title: name,
    status: STATUS.get(result.errorCode) ?? 400,
    ...(result.errorMessage ? { detail: result.errorMessage } : {}),
    kafkaError: name,
    kafkaErrorCode: result.errorCode,
  };
  return new ProblemError(problem);
}

function check(result: AdminResult): void {
  if (result.errorCode !== ErrorCode.NONE) throw kafkaProblem(result);
}

function view(t: Topic): TopicView {
  return {
    name: t.name,
    topicId: t.id,
    partitions: t.partitions.length,
    configs: Object.fromEntries([...t.configs].sort(([a], [b]) => (a < b ? -1 : 1))),
  };
}

function parse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  throw badRequest(
    `Invalid ${what}`,
    parsed.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((k) => ({ field: k, message: 'unknown field' }))
        : [{ field: issue.path.join('.') || '(body)', message: issue.message }],
    ),
  );
}

function existing(broker: BrokerContext, name: string): Topic {
  const topic = broker.topics.get(name);
  if (!topic)
    throw kafkaProblem({
      errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      errorMessage: `The topic '${name}' does not exist.`,
    });
  return topic;
}

export function registerTopicRoutes(router: Router, broker: BrokerContext): Router {
  const topics = broker.topics;
  return router
    .add('GET', '/v1/topics', () => ({
      status: 200,
      body: {
        topics: topics
          .list()
          .map(view)
          .sort((a, b) => (a.name < b.name ? -1 : 1)),
      },
    }))
    .add('GET', '/v1/topics/:name', (req) => ({
      status: 200,
      body: view(existing(broker, req.params.name)),
    }))
    .add('POST', '/v1/topics', async (req) => {
      const body = parse(createBody, req.body, 'topic');
      const partitions = body.partitions ?? configNumber(broker.config, 'num.partitions');
      check(await topics.create(body.name, partitions, new Map(Object.entries(body.configs))));
      broker.log.info(`admin: topic ${body.name} created (${partitions} partitions)`);
      return { status: 201, body: view(existing(broker, body.name)) };
    })
    .add('PATCH', '/v1/topics/:name/configs', async (req) => {
      const name = req.params.name;
      const body = parse(alterBody, req.body, 'config change');
      const nameProblem = topicNameProblem(name);
      if (nameProblem)
        throw kafkaProblem({
          errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION,
          errorMessage: nameProblem,
        });
      const ops: AlterConfig[] = [
        ...Object.entries(body.set).map(([k, value]) => ({ name: k, value, op: AlterOp.SET })),
        ...body.delete.map((k) => ({ name: k, value: null, op: AlterOp.DELETE })),
      ];
      const shape = configShapeProblem(ops, 'incremental');
      if (shape) throw kafkaProblem(shape);
      const defaultValue = (key: string): string | undefined => {
        const def = TOPIC_CONFIG_BY_NAME.get(key);
        return def && defaultTopicConfigValue(broker.config, def);
      };
      check(
        await topics.alterConfigs(
          name,
          (current) => applyIncrementalOps(current, ops, defaultValue),
          false,
        ),
      );
      broker.log.info(`admin: topic ${name} configs altered`);
      return { status: 200, body: view(existing(broker, name)) };
    })
    .add('POST', '/v1/topics/:name/partitions', async (req) => {
      const name = req.params.name;
      const { count } = parse(partitionsBody, req.body, 'partition count');
      check(await topics.createPartitions(name, count, false));
      broker.log.info(`admin: topic ${name} now has ${count} partitions`);
      return { status: 200, body: view(existing(broker, name)) };
    })
    .add('DELETE', '/v1/topics/:name', async (req) => {
      check(await topics.delete(req.params.name));
      broker.log.info(`admin: topic ${req.params.name} deleted`);
      return { status: 204 };
    });
}
