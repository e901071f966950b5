/**
 * Collects every running broker's usage and forwards it to the control plane, exactly once
 * per counted byte (usage/README.md of the broker has the argument):
 *  - samples are cumulative per incarnation, so a read that is never forwarded (the control
 *    plane is down, the agent dies) is covered by the next one; nothing needs to be stored
 *    by the agent;
 *  - an ended incarnation's final counters are acknowledged on the broker (DELETE
 *    /v1/usage/previous/:incarnation) only after the control plane acknowledged the sample
 *    carrying them; until then every read returns them again, and resending is harmless
 *    (same identity, stored once);
 *  - one collector per broker: this agent polls sequentially.
 */
import type { UsageSample } from '@tributary/contracts';
import { BrokerAdminClient } from '../broker-admin/broker-admin-client.js';
import type { ControlPlaneClient } from '../control-plane/control-plane-client.js';
import type { DriverPoolStatus } from '../drivers/pool-driver.js';
import type { Logger } from '../log.js';
import { usageSamples } from './usage-samples.js';

const MAX_SAMPLES_PER_REPORT = 1000;

export class UsageForwarder {
  constructor(
    private readonly controlPlane: ControlPlaneClient,
    private readonly log: Logger,
  ) {}

  /** One round over the given pools; resolves once forwarded (or given up until next time). */
  async collect(pools: readonly DriverPoolStatus[]): Promise<{ forwarded: number }> {
    const samples: UsageSample[] = [];
    const acks: Array<{ admin: BrokerAdminClient; incarnation: string }> = [];
    for (const pool of pools) {
      for (const b of pool.brokers) {
        if (b.state !== 'RUNNING' || b.adminUrl === null) continue;
        const admin = new BrokerAdminClient(b.adminUrl, pool.adminToken);
        try {
          const read = await admin.usage();
          this.log.debug(
            `usage: read pool ${pool.clusterId} broker ${b.brokerId} incarnation ${read.incarnation} sequence ${read.sequence} (${read.previous.length} earlier)`,
          );
          samples.push(...usageSamples(pool.clusterId, b.brokerId, read));
          for (const p of read.previous) acks.push({ admin, incarnation: p.incarnation });
        } catch (err) {
          this.log.warn(
            `usage: reading pool ${pool.clusterId} broker ${b.brokerId} failed: ${(err as Error).message}`,
          );
        }
      }
    }
    if (samples.length === 0) return { forwarded: 0 };
    try {
      for (let i = 0; i < samples.length; i += MAX_SAMPLES_PER_REPORT) {
        await this.controlPlane.postUsage({
          samples: samples.slice(i, i + MAX_SAMPLES_PER_REPORT),
        });
      }
    } catch (err) {
      // Nothing is lost: later reads carry the same counters (and more).
      this.log.warn(
        `usage: forwarding ${samples.length} sample(s) failed: ${(err as Error).message}`,
      );
      return { forwarded: 0 };
    }
    for (const { admin, incarnation } of acks) {
      await admin.acknowledgeUsage(incarnation).catch((err: unknown) => {
        this.log.warn(
          `usage: acknowledging ${incarnation} failed (resent next time): ${(err as Error).message}`,
        );
      });
    }
    return { forwarded: samples.length };
  }
}
