/** The cluster id is created once per data directory and never changes. */
import { randomUUID } from 'node:crypto';
import type { DataDir } from './data-dir.js';
import { readJsonIfExists, writeFileDurably } from './durable-file.js';

interface ClusterFile {
  clusterId: string;
  nodeId: number;
}

/** Kafka formats cluster ids as the URL-safe base64 of a UUID (22 characters). */
export function newClusterId(): string {
  return Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url');
}

export async function loadClusterId(dir: DataDir, nodeId: number): Promise<string> {
  const existing = await readJsonIfExists<ClusterFile>(dir.clusterFile);
  if (existing) {
    if (existing.nodeId !== nodeId) {
      throw new Error(
        `data dir ${dir.root} belongs to node ${existing.nodeId}, not node ${nodeId}`,
      );
    }
    return existing.clusterId;
  }
  const created: ClusterFile = { clusterId: newClusterId(), nodeId };
  await writeFileDurably(dir.clusterFile, JSON.stringify(created, null, 2));
  return created.clusterId;
}
