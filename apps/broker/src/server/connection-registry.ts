/**
 * Every open client connection of the broker, across listeners: counted for connection
 * limits and usage, and closed by principal when a credential is deleted.
 */
import type { ConnectionInfo } from './connection-info.js';

export interface LiveConnection {
  readonly info: ConnectionInfo;
  close(): void;
}

export class ConnectionRegistry {
  private readonly live = new Set<LiveConnection>();

  add(c: LiveConnection): void {
    this.live.add(c);
  }

  remove(c: LiveConnection): void {
    this.live.delete(c);
  }

  get size(): number {
    return this.live.size;
  }

  countByPrincipal(principal: string): number {
    let n = 0;
    for (const c of this.live) if (c.info.principal === principal) n++;
    return n;
  }

  /** Closes every connection matching `predicate`; returns how many. */
  closeWhere(predicate: (info: ConnectionInfo) => boolean): number {
    let n = 0;
    for (const c of [...this.live]) {
      if (predicate(c.info)) {
        c.close();
        n++;
      }
    }
    return n;
  }

  list(): ConnectionInfo[] {
    return [...this.live].map((c) => c.info);
  }
}
