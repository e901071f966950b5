/**
 * The file operations the offset store needs, behind a small interface so tests can inject
 * failures (a failed fsync, a failed write) while production uses node:fs.
 */
import { mkdir, open, readFile, rename, truncate, unlink, type FileHandle } from 'node:fs/promises';

export interface StoreFile {
  /** Appends all of `data` (loops over short writes). */
  write(data: Buffer): Promise<void>;
  datasync(): Promise<void>;
  close(): Promise<void>;
}

export interface StoreFs {
  mkdir(dir: string): Promise<void>;
  /** The whole file, or undefined when it does not exist. */
  readFile(path: string): Promise<Buffer | undefined>;
  truncate(path: string, length: number): Promise<void>;
  /** Opens for appending ('a') or for writing a new file from scratch ('w'). */
  open(path: string, mode: 'a' | 'w'): Promise<StoreFile>;
  rename(from: string, to: string): Promise<void>;
  /** Removes a file; a missing file is not an error. */
  remove(path: string): Promise<void>;
  /** Makes a rename or file creation in `dir` durable. */
  syncDir(dir: string): Promise<void>;
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ENOENT';
}

class NodeStoreFile implements StoreFile {
  constructor(private readonly fh: FileHandle) {}

  async write(data: Buffer): Promise<void> {
    let done = 0;
    while (done < data.length) {
      const { bytesWritten } = await this.fh.write(data, done, data.length - done);
      done += bytesWritten;
    }
  }

  datasync(): Promise<void> {
    return this.fh.datasync();
  }

  close(): Promise<void> {
    return this.fh.close();
  }
}

export const nodeStoreFs: StoreFs = {
  async mkdir(dir) {
    await mkdir(dir, { recursive: true });
  },
  async readFile(path) {
    try {
      return await readFile(path);
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  },
  truncate: (path, length) => truncate(path, length),
  async open(path, mode) {
    return new NodeStoreFile(await open(path, mode));
  },
  rename: (from, to) => rename(from, to),
  async remove(path) {
    try {
      await unlink(path);
    } catch (err) {
      if (!isMissing(err)) throw err;
    }
  },
  async syncDir(dir) {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  },
};
