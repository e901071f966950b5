/**
 * Which topic config keys the control plane has set, per pool and topic, kept in
 * `<dataRoot>/agent-state/<clusterId>.json` so a key the spec stops listing is deleted from
 * the topic even after an agent restart (keys a client set itself are never deleted).
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export type ManagedKeys = Record<string, string[]>;

export class ManagedKeysStore {
  constructor(private readonly dataRoot: string) {}

  private file(clusterId: string): string {
    return join(this.dataRoot, 'agent-state', `${clusterId}.json`);
  }

  async read(clusterId: string): Promise<ManagedKeys> {
    try {
      const json = JSON.parse(await readFile(this.file(clusterId), 'utf8')) as {
        topicConfigKeys?: ManagedKeys;
      };
      return json.topicConfigKeys ?? {};
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw err;
    }
  }

  async write(clusterId: string, keys: ManagedKeys): Promise<void> {
    const file = this.file(clusterId);
    await mkdir(join(this.dataRoot, 'agent-state'), { recursive: true });
    await writeFile(`${file}.tmp`, JSON.stringify({ topicConfigKeys: keys }, null, 2));
    await rename(`${file}.tmp`, file);
  }

  async remove(clusterId: string): Promise<void> {
    await rm(this.file(clusterId), { force: true });
  }
}
