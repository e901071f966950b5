/**
 * Layout of a broker data directory. Every path is built here.
 *   meta/lock                pid of the broker using the directory (see data-dir-lock.ts)
 *   meta/cluster.json        cluster id and node id, written on first start
 *   meta/topics.json         topics: name, id, partition count, config overrides
 *   meta/producer-ids.json   next producer id block
 *   meta/credentials.json    API keys: scrypt hashes and SCRAM keys, never secrets (mode 0600)
 *   meta/groups/             consumer group offsets and metadata
 *   meta/remote-log-metadata/ tiered storage: one metadata journal per partition
 *   logs/<topic>-<p>/        one partition log (segments, indexes, snapshots)
 */
import { join } from 'node:path';

export class DataDir {
  constructor(readonly root: string) {}

  get metaDir(): string {
    return join(this.root, 'meta');
  }

  get lockFile(): string {
    return join(this.metaDir, 'lock');
  }

  get clusterFile(): string {
    return join(this.metaDir, 'cluster.json');
  }

  get topicsFile(): string {
    return join(this.metaDir, 'topics.json');
  }

  get producerIdsFile(): string {
    return join(this.metaDir, 'producer-ids.json');
  }

  get credentialsFile(): string {
    return join(this.metaDir, 'credentials.json');
  }

  get groupsDir(): string {
    return join(this.metaDir, 'groups');
  }

  get remoteLogMetadataDir(): string {
    return join(this.metaDir, 'remote-log-metadata');
  }

  get logsDir(): string {
    return join(this.root, 'logs');
  }

  partitionDir(topic: string, partition: number): string {
    return join(this.logsDir, `${topic}-${partition}`);
  }

  /** Where a deleted partition is moved before its files are removed. */
  deletedPartitionDir(topic: string, partition: number, topicId: string): string {
    return join(this.logsDir, `${topic}-${partition}.${topicId.replace(/-/g, '')}-delete`);
  }
}
