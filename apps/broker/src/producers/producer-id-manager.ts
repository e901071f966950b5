/**
 * Allocates producer ids for idempotent producers. Ids are reserved in blocks persisted
 * before use, so an id handed out is never handed out again, even after a crash.
 */
import type { DataDir } from '../storage/data-dir.js';
import { readJsonIfExists, writeFileDurably } from '../storage/durable-file.js';

const BLOCK_SIZE = 1000;

interface ProducerIdsFile {
  /** First id of the next block to reserve. */
  nextBlockStart: number;
}

export class ProducerIdManager {
  private next = 0;
  private blockEnd = 0;
  private reserving: Promise<void> | undefined;

  private constructor(private readonly dir: DataDir) {}

  static async open(dir: DataDir): Promise<ProducerIdManager> {
    const m = new ProducerIdManager(dir);
    const file = await readJsonIfExists<ProducerIdsFile>(dir.producerIdsFile);
    m.next = file?.nextBlockStart ?? 0;
    m.blockEnd = m.next;
    return m;
  }

  private async reserveBlock(): Promise<void> {
    const start = this.blockEnd;
    await writeFileDurably(
      this.dir.producerIdsFile,
      JSON.stringify({ nextBlockStart: start + BLOCK_SIZE }),
    );
    this.next = start;
    this.blockEnd = start + BLOCK_SIZE;
  }

  async allocate(): Promise<number> {
    while (this.next >= this.blockEnd) {
      this.reserving ??= this.reserveBlock().finally(() => {
        this.reserving = undefined;
      });
      await this.reserving;
    }
    return this.next++;
  }
}
