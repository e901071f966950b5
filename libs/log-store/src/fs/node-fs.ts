/** FileOps over node:fs/promises: the real disk. */
import { promises as fsp } from 'node:fs';
import type { FileHandle, FileOps, OpenMode } from './file-ops.js';

function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

function wrap(h: fsp.FileHandle): FileHandle {
  return {
    async read(buffer, offset, length, position) {
      const { bytesRead } = await h.read(buffer, offset, length, position);
      return bytesRead;
    },
    async writev(buffers, position) {
      const { bytesWritten } = await h.writev(buffers as Buffer[], position);
      return bytesWritten;
    },
    sync: () => h.datasync(),
    truncate: (length) => h.truncate(length),
    size: async () => (await h.stat()).size,
    close: () => h.close(),
  };
}

const FLAGS: Record<OpenMode, string> = { read: 'r', readWrite: 'r+', create: 'w+' };

export const nodeFileOps: FileOps = {
  async open(path, mode) {
    return wrap(await fsp.open(path, FLAGS[mode]));
  },
  async readFile(path) {
    try {
      return await fsp.readFile(path);
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  },
  async writeFile(path, data) {
    const h = await fsp.open(path, 'w');
    try {
      await h.writeFile(data);
      await h.datasync();
    } finally {
      await h.close();
    }
  },
  rename: (from, to) => fsp.rename(from, to),
  async unlink(path) {
    try {
      await fsp.unlink(path);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  },
  readdir: (dir) => fsp.readdir(dir),
  async fileSize(path) {
    try {
      return (await fsp.stat(path)).size;
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  },
  async mkdir(dir) {
    await fsp.mkdir(dir, { recursive: true });
  },
  removeDir: (dir) => fsp.rm(dir, { recursive: true, force: true }),
  async syncDir(dir) {
    const h = await fsp.open(dir, 'r');
    try {
      await h.sync();
    } catch (err) {
      // Some file systems refuse fsync on a directory; the rename is still ordered.
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM') throw err;
    } finally {
      await h.close();
    }
  },
};
