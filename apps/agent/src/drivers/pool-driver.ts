/**
 * What the reconciler needs from a way of running broker pools. The `process` driver runs
 * each broker as a local child process; the `kubernetes` driver applies a StatefulSet per
 * pool. The reconciler decides what should run and pushes credentials, ACLs, limits and
 * topics to each broker's admin endpoint; a driver only starts, stops and reports brokers.
 *
 * Every method is idempotent and safe to call again after the agent restarts: a driver
 * adopts what already runs for a pool instead of starting it a second time.
 */
import type { PoolSpec } from '@tributary/contracts';

export type BrokerState = 'STARTING' | 'RUNNING' | 'CRASHED' | 'STOPPED';

export interface DriverBrokerStatus {
  brokerId: number;
  state: BrokerState;
  restarts: number;
  /** host:port Kafka clients use, null until known. */
  endpoint: string | null;
  /** Base URL of the broker's private admin endpoint (http://host:port), null until known. */
  adminUrl: string | null;
  lastError: string | null;
}

export interface DriverPoolStatus {
  clusterId: string;
  /** The pool token the brokers' admin endpoints accept (Bearer). */
  adminToken: string;
  brokers: DriverBrokerStatus[];
}

export interface PoolDriver {
  readonly name: 'process' | 'kubernetes';
  /** Make the pool's brokers run as the spec says (count, resources, broker config). */
  ensurePool(spec: PoolSpec): Promise<void>;
  /** Stop the pool's brokers and remove all its data. Resolves once nothing of it is left. */
  removePool(clusterId: string): Promise<void>;
  /** The pools this driver knows of (running, starting or crashed), by what it observes. */
  listPools(): Promise<DriverPoolStatus[]>;
  /** Stop supervising (brokers keep running; a new agent adopts them). */
  close(): Promise<void>;
}
