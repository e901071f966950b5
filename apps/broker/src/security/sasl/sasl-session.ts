/**
 * SASL state of one connection on a SASL listener, following Kafka's SaslServerAuthenticator
 * and KIP-368 re-authentication:
 *
 *   start ──SaslHandshake──▶ authenticate ──SaslAuthenticate…──▶ authenticated
 *     │ (ApiVersions allowed)        │ (only SaslAuthenticate)          │
 *     │                              ▼                                  │ SaslHandshake, session
 *     └──────────────────────────▶ failed ◀── reauthenticate ◀─────────┘ has a lifetime, ≥1 s
 *                                                                          since the last one
 *
 * Before authentication only ApiVersions, SaslHandshake and SaslAuthenticate are admitted;
 * anything else closes the connection, as Kafka does. SaslHandshake v0 switches to the legacy
 * flow: the client then sends raw size-prefixed SASL tokens and gets raw tokens back.
 * An authenticated session whose lifetime ran out (connections.max.reauth.ms or the key's
 * expiry) is closed on its next request unless that request begins a re-authentication.
 *
 * Steps of one session are serialized: a token is evaluated only after the previous one.
 */
import { ApiKey, ErrorCode } from '@tributary/kafka-protocol';
import type { ConnectionInfo } from '../../server/connection-info.js';
import type { MechanismServer, SaslMechanism, SaslStep } from './mechanism.js';
import type { AuthenticatedKey } from './mechanism.js';
import type { SaslService } from './sasl-service.js';

export const AUTHENTICATION_FAILED_MESSAGE = 'Authentication failed: Invalid username or password';
/** Kafka's KafkaChannel.MIN_REAUTH_INTERVAL_ONE_SECOND_NANOS. */
const MIN_REAUTH_INTERVAL_MS = 1000;

type State = 'start' | 'authenticate' | 'authenticated' | 'reauthenticate' | 'failed';

export interface SessionHooks {
  /** Closes the connection now. */
  close(): void;
  /** Stops reading from the connection for `ms`. */
  mute(ms: number): void;
}

export interface HandshakeOutcome {
  errorCode: number;
  /** Close the connection once the answer is written. */
  close: boolean;
}

export interface AuthenticateOutcome {
  errorCode: number;
  errorMessage: string | null;
  token: Buffer;
  sessionLifetimeMs: number;
  close: boolean;
}

export class SaslSession {
  private state: State = 'start';
  private server: MechanismServer | null = null;
  private mechanism: SaslMechanism | null = null;
  private rawTokens = false;
  private key: AuthenticatedKey | null = null;
  private expiresAtMs: number | null = null;
  /** When a re-authentication was last admitted (0: never). */
  private lastReauthMs = 0;
  /** SaslHandshake admitted as the start of a re-authentication, not yet handled. */
  private reauthAdmitted = false;
  private steps: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly service: SaslService,
    private readonly info: ConnectionInfo,
    private readonly hooks: SessionHooks,
  ) {}

  /** The key this connection authenticated with (null before authentication). */
  get keyId(): string | null {
    return this.key?.keyId ?? null;
  }

  get authenticatedKey(): AuthenticatedKey | null {
    return this.state === 'authenticated' || this.state === 'reauthenticate' ? this.key : null;
  }

  /** After SaslHandshake v0 the next frames are raw SASL tokens, not Kafka requests. */
  get expectsRawToken(): boolean {
    return this.rawTokens && (this.state === 'authenticate' || this.state === 'reauthenticate');
  }

  /** Frames are limited to sasl.server.max.receive.size until authentication completes. */
  get maxReceiveBytes(): number | null {
    return this.state === 'authenticated' ? null : this.service.settings.maxReceiveBytes;
  }

  /**
   * Called for every Kafka request before it is dispatched. Returns why the connection must
   * close, or null to go on.
   */
  admit(apiKey: number): string | null {
    switch (this.state) {
      case 'start':
        return apiKey === ApiKey.ApiVersions ||
          apiKey === ApiKey.SaslHandshake ||
          apiKey === ApiKey.SaslAuthenticate
          ? null
          : `API ${apiKey} before SASL authentication`;
      case 'authenticate':
      case 'reauthenticate':
        return apiKey === ApiKey.SaslAuthenticate || apiKey === ApiKey.SaslHandshake
          ? null
          : `API ${apiKey} during SASL authentication`;
      case 'failed':
        return `API ${apiKey} after failed SASL authentication`;
      case 'authenticated': {
        const now = Date.now();
        if (
          apiKey === ApiKey.SaslHandshake &&
          this.expiresAtMs !== null &&
          now - this.lastReauthMs >= MIN_REAUTH_INTERVAL_MS
        ) {
          this.lastReauthMs = now;
          this.reauthAdmitted = true;
          return null;
        }
        if (this.expiresAtMs !== null && now >= this.expiresAtMs) {
          this.service.stats.expiredSessionsClosed++;
          return 'SASL session expired';
        }
        const problem = this.service.credentials.currentProblem(this.key!, now);
        if (problem) {
          this.service.stats.expiredSessionsClosed++;
          return problem;
        }
        return null;
      }
    }
  }

  handshake(mechanism: string, version: number): HandshakeOutcome {
    const reauth = this.reauthAdmitted;
    this.reauthAdmitted = false;
    if (this.state === 'authenticated' && !reauth) {
      // Processed as a normal request on an authenticated connection (KafkaApis).
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, close: false };
    }
    if (this.state !== 'start' && this.state !== 'authenticated') {
      this.state = 'failed';
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, close: true };
    }
    const enabled = (this.service.settings.mechanisms as readonly string[]).includes(mechanism);
    if (!enabled || (reauth && mechanism !== this.mechanism)) {
      this.log(
        `SASL handshake refused: mechanism ${JSON.stringify(mechanism.slice(0, 64))}${reauth ? ' differs from the session' : ' is not enabled'}`,
      );
      this.state = 'failed';
      return { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, close: true };
    }
    this.mechanism = mechanism as SaslMechanism;
    this.server = this.service.createServer(this.mechanism);
    this.rawTokens = version === 0;
    this.state = reauth ? 'reauthenticate' : 'authenticate';
    return { errorCode: ErrorCode.NONE, close: false };
  }

  /** One SaslAuthenticate request. */
  authenticate(token: Buffer, signal: AbortSignal): Promise<AuthenticateOutcome> {
    const illegal = (message: string, close: boolean): AuthenticateOutcome => ({
      errorCode: ErrorCode.ILLEGAL_SASL_STATE,
      errorMessage: message,
      token: Buffer.alloc(0),
      sessionLifetimeMs: 0,
      close,
    });
    if (this.state === 'authenticated') {
      return Promise.resolve(
        illegal('SaslAuthenticate request received after successful authentication', false),
      );
    }
    if ((this.state !== 'authenticate' && this.state !== 'reauthenticate') || this.rawTokens) {
      const message = `Unexpected SaslAuthenticate request in SASL state ${this.state}`;
      this.state = 'failed';
      return Promise.resolve(illegal(message, true));
    }
    return this.serialized(async () => {
      const startedMs = Date.now();
      const step = await this.evaluate(token);
      if (step.type === 'challenge') return ok(step.token, 0);
      if (step.type === 'failure') {
        await this.fail(step.reason, step.keyId, startedMs, signal);
        return {
          errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED,
          errorMessage: AUTHENTICATION_FAILED_MESSAGE,
          token: Buffer.alloc(0),
          sessionLifetimeMs: 0,
          close: true,
        };
      }
      return ok(step.token, this.complete(step.key));
    });
  }

  /** One raw token of the legacy (SaslHandshake v0) flow; null means close the connection. */
  rawToken(token: Buffer, signal: AbortSignal): Promise<Buffer | null> {
    return this.serialized(async () => {
      if (!this.expectsRawToken) return null;
      const startedMs = Date.now();
      const step = await this.evaluate(token);
      if (step.type === 'challenge') return step.token;
      if (step.type === 'failure') {
        await this.fail(step.reason, step.keyId, startedMs, signal);
        return null;
      }
      this.complete(step.key);
      return step.token;
    });
  }

  /** The connection closed: nothing further is admitted. */
  dispose(): void {
    this.state = 'failed';
    this.server = null;
  }

  close(): void {
    this.hooks.close();
  }

  private async evaluate(token: Buffer): Promise<SaslStep> {
    const server = this.server;
    if (!server || (this.state !== 'authenticate' && this.state !== 'reauthenticate')) {
      return { type: 'failure', reason: 'no SASL exchange in progress', keyId: null };
    }
    try {
      const step = await server.evaluate(token);
      if (step.type === 'success' && this.state === 'reauthenticate') {
        if (step.key.principal !== this.key?.principal) {
          return {
            type: 'failure',
            reason: `principal changed during re-authentication (from ${this.key?.principal})`,
            keyId: step.key.keyId,
          };
        }
      }
      return step;
    } catch (err) {
      this.service.log.error(
        `connection ${this.info.id}: SASL ${server.mechanism} failed: ${(err as Error).stack ?? String(err)}`,
      );
      return { type: 'failure', reason: 'internal error', keyId: null };
    }
  }

  /** Success: the connection takes the key's principal; returns the session lifetime. */
  private complete(key: AuthenticatedKey): number {
    const reauth = this.state === 'reauthenticate';
    this.state = 'authenticated';
    this.server = null;
    this.rawTokens = false;
    this.key = key;
    this.info.principal = key.principal;
    this.info.authenticated = true;
    if (reauth) this.service.stats.reauthenticated++;
    else this.service.stats.authenticated++;
    if (!reauth && !this.service.admits(this.info)) {
      // Over the principal's connection limit (the gate logged it): close, answer nothing.
      this.state = 'failed';
      this.hooks.close();
      return 0;
    }
    const lifetime = this.sessionLifetime(key);
    this.log(
      `SASL ${this.mechanism} ${reauth ? 're-authentication' : 'authentication'} of key ${key.keyId} as ${key.principal}${lifetime > 0 ? `, session ${lifetime} ms` : ''}`,
      'debug',
    );
    return lifetime;
  }

  /** Kafka's rule: min(connections.max.reauth.ms, credential validity), either when set. */
  private sessionLifetime(key: AuthenticatedKey): number {
    const now = Date.now();
    const maxReauthMs = this.service.settings.maxReauthMs;
    const credentialExpiry = this.service.credentials.expiresAtMs(key);
    if (credentialExpiry === null && maxReauthMs <= 0) {
      this.expiresAtMs = null;
      return 0;
    }
    const remaining = credentialExpiry === null ? Infinity : credentialExpiry - now;
    const lifetime = Math.max(0, Math.min(remaining, maxReauthMs > 0 ? maxReauthMs : Infinity));
    this.expiresAtMs = now + lifetime;
    return lifetime;
  }

  /**
   * Logs, then holds the answer until `delay` after the token arrived (the connection stops
   * reading meanwhile). Counting from arrival rather than from the verdict hides how long the
   * verdict took: an unknown key (no hash to check) answers no sooner than a wrong secret.
   */
  private async fail(
    reason: string,
    keyId: string | null,
    startedMs: number,
    signal: AbortSignal,
  ): Promise<void> {
    this.state = 'failed';
    this.server = null;
    this.service.stats.failed++;
    const delayMs = this.service.failureDelay.fail(this.info.remoteAddress);
    this.log(
      `SASL ${this.mechanism ?? ''} authentication failed for key ${keyId === null ? '(none)' : JSON.stringify(keyId.slice(0, 64))}: ${reason}; answering ${delayMs} ms after the request, then closing`,
    );
    this.hooks.mute(delayMs + 60_000);
    const holdMs = startedMs + delayMs - Date.now();
    if (holdMs > 0 && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, holdMs);
        function done(): void {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          resolve();
        }
        signal.addEventListener('abort', done);
      });
    }
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.steps.then(work, work);
    this.steps = run.catch(() => undefined);
    return run;
  }

  private log(message: string, level: 'warn' | 'debug' = 'warn'): void {
    const where = `connection ${this.info.id} from ${this.info.remoteAddress}:${this.info.remotePort} (${this.info.listener.name})`;
    this.service.log[level](`${where}: ${message}`);
  }
}

function ok(token: Buffer, sessionLifetimeMs: number): AuthenticateOutcome {
  return { errorCode: ErrorCode.NONE, errorMessage: null, token, sessionLifetimeMs, close: false };
}
