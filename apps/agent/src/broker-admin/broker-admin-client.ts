/**
 * The agent's client for one broker's private admin endpoint (apps/broker/src/admin-http):
 * credentials, ACLs, limits, topics and usage. Every call has a timeout; a refusal is a
 * BrokerAdminError carrying the problem+json (with `kafkaError` for topic operations), so
 * the reconciler can tell a permanent refusal (4xx) from a broker that is not reachable.
 */
import type { AclBinding, DesiredTopic } from '@tributary/contracts';

export interface BrokerCredential {
  id: string;
  principal: string;
  expiresAt: string | null;
}

export interface BrokerTopic {
  name: string;
  topicId: string;
  partitions: number;
  configs: Record<string, string>;
}

export interface Problem {
  status: number;
  title?: string;
  detail?: string;
  kafkaError?: string;
}

export class BrokerAdminError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | null,
    message: string,
  ) {
    super(message);
  }

  /** The broker refused the request itself (a bad spec), as opposed to being unreachable. */
  get permanent(): boolean {
    return this.status >= 400 && this.status < 500;
  }
}

export class BrokerAdminClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
    private readonly timeoutMs = 5000,
  ) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new BrokerAdminError(0, null, `${method} ${path}: ${(err as Error).message}`);
    }
    const text = await res.text();
    if (!res.ok) {
      let problem: Problem | null = null;
      try {
        problem = JSON.parse(text) as Problem;
      } catch {
        problem = null;
      }
      const what = problem?.kafkaError ?? problem?.title ?? `HTTP ${res.status}`;
      throw new BrokerAdminError(
        res.status,
        problem,
        `${what}${problem?.detail ? `: ${problem.detail}` : ''}`,
      );
    }
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  async credentials(): Promise<BrokerCredential[]> {
    return (await this.call<{ credentials: BrokerCredential[] }>('GET', '/v1/credentials'))
      .credentials;
  }

  putCredential(
    id: string,
    body: { derived: unknown; principal: string; expiresAt: string | null },
  ): Promise<unknown> {
    return this.call('PUT', `/v1/credentials/${encodeURIComponent(id)}`, body);
  }

  async deleteCredential(id: string): Promise<void> {
    try {
      await this.call('DELETE', `/v1/credentials/${encodeURIComponent(id)}`);
    } catch (err) {
      if (!(err instanceof BrokerAdminError && err.status === 404)) throw err;
    }
  }

  async acls(): Promise<AclBinding[]> {
    return (await this.call<{ acls: AclBinding[] }>('GET', '/v1/acls')).acls;
  }

  async createAcls(bindings: AclBinding[]): Promise<void> {
    if (bindings.length > 0) await this.call('POST', '/v1/acls', bindings);
  }

  /** Deletes exactly this binding (a filter naming every field matches only it). */
  async deleteAcl(binding: AclBinding): Promise<void> {
    await this.call('DELETE', '/v1/acls', binding);
  }

  limits(): Promise<unknown> {
    return this.call('GET', '/v1/limits');
  }

  putLimits(limits: unknown): Promise<unknown> {
    return this.call('PUT', '/v1/limits', limits);
  }

  async topics(): Promise<BrokerTopic[]> {
    return (await this.call<{ topics: BrokerTopic[] }>('GET', '/v1/topics')).topics;
  }

  createTopic(t: DesiredTopic): Promise<BrokerTopic> {
    return this.call('POST', '/v1/topics', {
      name: t.name,
      partitions: t.partitions,
      configs: t.configs,
    });
  }

  alterTopicConfigs(
    name: string,
    set: Record<string, string>,
    remove: string[],
  ): Promise<BrokerTopic> {
    return this.call('PATCH', `/v1/topics/${encodeURIComponent(name)}/configs`, {
      set,
      delete: remove,
    });
  }

  addPartitions(name: string, count: number): Promise<BrokerTopic> {
    return this.call('POST', `/v1/topics/${encodeURIComponent(name)}/partitions`, { count });
  }

  async deleteTopic(name: string): Promise<void> {
    try {
      await this.call('DELETE', `/v1/topics/${encodeURIComponent(name)}`);
    } catch (err) {
      if (!(err instanceof BrokerAdminError && err.status === 404)) throw err;
    }
  }

  usage(): Promise<BrokerUsage> {
    return this.call('GET', '/v1/usage');
  }

  acknowledgeUsage(incarnation: string): Promise<void> {
    return this.call('DELETE', `/v1/usage/previous/${encodeURIComponent(incarnation)}`);
  }
}

/** GET /v1/usage (apps/broker/src/usage/README.md). */
export interface BrokerUsage {
  incarnation: string;
  startedAt: string;
  sequence: number;
  takenAt: string;
  cluster: Record<string, unknown>;
  topics: Record<string, unknown>;
  previous: Array<{
    incarnation: string;
    startedAt: string;
    sequence: number;
    savedAt: string;
    final: boolean;
    cluster: Record<string, unknown>;
    topics: Record<string, unknown>;
  }>;
}
