/**
 * The agent's side of the agent protocol (@tributary/contracts agent-protocol.ts): long-poll
 * the desired state, report the observed state, forward usage samples. Answers are checked
 * against the contract's schemas; anything else is a ControlPlaneError, and the caller keeps
 * running what it has and retries.
 */
import {
  AGENT_API_PREFIX,
  MAX_DESIRED_STATE_WAIT_MS,
  desiredStateSchema,
  usageAckSchema,
  type DesiredState,
  type ObservedState,
  type UsageAck,
  type UsageReport,
} from '@tributary/contracts';

export class ControlPlaneError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class ControlPlaneClient {
  private readonly base: string;

  constructor(
    baseUrl: string,
    private readonly token: string,
    private readonly timeoutMs = 10_000,
  ) {
    this.base = baseUrl.replace(/\/+$/, '') + AGENT_API_PREFIX;
  }

  private async call(
    method: string,
    path: string,
    body: unknown,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<unknown> {
    const timeout = AbortSignal.timeout(timeoutMs);
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
      });
    } catch (err) {
      throw new ControlPlaneError(0, `${method} ${path}: ${(err as Error).message}`);
    }
    const text = await res.text();
    if (!res.ok) {
      let detail = text.slice(0, 300);
      try {
        const p = JSON.parse(text) as { title?: string; detail?: string };
        detail = [p.title, p.detail].filter(Boolean).join(': ') || detail;
      } catch {
        // not problem+json: keep the raw text
      }
      throw new ControlPlaneError(res.status, `${method} ${path}: HTTP ${res.status} ${detail}`);
    }
    if (text === '') return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw new ControlPlaneError(res.status, `${method} ${path}: the answer is not JSON`);
    }
  }

  /** The desired state; with `after`, held up to `waitMs` until the revision passes it. */
  async desiredState(
    after: number | null,
    waitMs: number,
    signal?: AbortSignal,
  ): Promise<DesiredState> {
    const wait = Math.min(Math.max(0, waitMs), MAX_DESIRED_STATE_WAIT_MS);
    const query = after === null ? '' : `?after=${after}&wait_ms=${wait}`;
    const json = await this.call(
      'GET',
      `/desired-state${query}`,
      undefined,
      this.timeoutMs + (after === null ? 0 : wait),
      signal,
    );
    const parsed = desiredStateSchema.safeParse(json);
    if (!parsed.success)
      throw new ControlPlaneError(
        200,
        `desired state does not match the contract: ${parsed.error.message}`,
      );
    return parsed.data;
  }

  async putObservedState(state: ObservedState): Promise<void> {
    await this.call('PUT', '/observed-state', state, this.timeoutMs);
  }

  async postUsage(report: UsageReport): Promise<UsageAck> {
    const json = await this.call('POST', '/usage', report, this.timeoutMs);
    const parsed = usageAckSchema.safeParse(json);
    if (!parsed.success)
      throw new ControlPlaneError(200, 'usage acknowledgement does not match the contract');
    return parsed.data;
  }
}
