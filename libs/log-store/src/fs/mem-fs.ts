/**
 * In-memory FileOps for tests: counts operations, injects failures (kfake's memFS.failNextSync)
 * and simulates a crash. Durability model: data written to a file becomes durable only when the
 * file is synced; creations, renames, truncations and removals are durable at once.
 * `crash()` returns a new file system holding only durable bytes (optionally plus a torn prefix
 * of the unsynced tail) and makes the old one refuse every further operation.
 */
import { posix as path } from 'node:path';
import type { FileHandle, FileOps, OpenMode } from './file-ops.js';

export type MemFsOp =
  | 'open'
  | 'read'
  | 'write'
  | 'sync'
  | 'truncate'
  | 'rename'
  | 'unlink'
  | 'readdir'
  | 'writeFile'
  | 'syncDir'
  | 'mkdir';

interface Inode {
  data: Buffer;
  length: number;
  /** Bytes [0, durableLength) survive a crash. The log only appends, so this is enough. */
  durableLength: number;
}

interface Failure {
  op: MemFsOp;
  /** Operations of this kind to let through first. */
  after: number;
  pathMatch?: RegExp;
  error: Error;
}

export interface FailOptions {
  after?: number;
  pathMatch?: RegExp;
  error?: Error;
}

function enoent(p: string): Error {
  return Object.assign(new Error(`ENOENT: no such file or directory, '${p}'`), { code: 'ENOENT' });
}

export class MemFileOps implements FileOps {
  readonly counts: Record<MemFsOp, number> = {
    open: 0,
    read: 0,
    write: 0,
    sync: 0,
    truncate: 0,
    rename: 0,
    unlink: 0,
    readdir: 0,
    writeFile: 0,
    syncDir: 0,
    mkdir: 0,
  };
  /** Delay of each file sync, to let concurrent flushes pile up. */
  syncDelayMs = 0;
  private files = new Map<string, Inode>();
  private dirs = new Set<string>(['/']);
  private failures: Failure[] = [];
  private dead = false;
  /** Handles opened and not yet closed. */
  openHandles = 0;

  failNext(op: MemFsOp, options: FailOptions = {}): void {
    this.failures.push({
      op,
      after: options.after ?? 0,
      pathMatch: options.pathMatch,
      error: options.error ?? new Error(`injected ${op} failure`),
    });
  }

  failNextSync(): void {
    this.failNext('sync', { error: new Error('injected fsync failure (EIO)') });
  }

  failNextWrite(): void {
    this.failNext('write', { error: new Error('injected write failure (ENOSPC)') });
  }

  /** Simulates power loss: the returned fs holds durable bytes plus `tornBytes` of each unsynced tail. */
  crash(options: { tornBytes?: number } = {}): MemFileOps {
    const next = new MemFileOps();
    next.dirs = new Set(this.dirs);
    for (const [p, inode] of this.files) {
      const keep = Math.min(inode.length, inode.durableLength + (options.tornBytes ?? 0));
      const data = Buffer.from(inode.data.subarray(0, keep));
      next.files.set(p, { data, length: keep, durableLength: keep });
    }
    this.dead = true;
    return next;
  }

  /** Current (not necessarily durable) contents, for assertions and corruption in tests. */
  rawFile(p: string): Buffer | null {
    const inode = this.files.get(path.normalize(p));
    return inode ? Buffer.from(inode.data.subarray(0, inode.length)) : null;
  }

  setRawFile(p: string, data: Buffer): void {
    const copy = Buffer.from(data);
    this.files.set(path.normalize(p), {
      data: copy,
      length: copy.length,
      durableLength: copy.length,
    });
  }

  private check(op: MemFsOp, p: string): void {
    if (this.dead) throw new Error(`file system crashed (${op} ${p})`);
    this.counts[op]++;
    const i = this.failures.findIndex((f) => f.op === op && (!f.pathMatch || f.pathMatch.test(p)));
    if (i < 0) return;
    const f = this.failures[i];
    if (f.after > 0) {
      f.after--;
      return;
    }
    this.failures.splice(i, 1);
    throw f.error;
  }

  private inode(p: string): Inode {
    const inode = this.files.get(p);
    if (!inode) throw enoent(p);
    return inode;
  }

  private requireDir(p: string): void {
    if (!this.dirs.has(path.dirname(p))) throw enoent(path.dirname(p));
  }

  private handle(inode: Inode, p: string, writable: boolean): FileHandle {
    let closed = false;
    this.openHandles++;
    const live = (op: MemFsOp): void => {
      if (closed) throw new Error(`EBADF: ${op} on closed handle ${p}`);
      this.check(op, p);
    };
    return {
      read: async (buffer, offset, length, position) => {
        await Promise.resolve();
        live('read');
        const n = Math.max(0, Math.min(length, inode.length - position));
        inode.data.copy(buffer, offset, position, position + n);
        return n;
      },
      writev: async (buffers, position) => {
        await Promise.resolve();
        live('write');
        if (!writable) throw new Error(`EBADF: ${p} is read-only`);
        let total = 0;
        for (const b of buffers) total += b.length;
        const end = position + total;
        if (end > inode.data.length) {
          const grown = Buffer.alloc(Math.max(end, inode.data.length * 2, 4096));
          inode.data.copy(grown, 0, 0, inode.length);
          inode.data = grown;
        }
        let at = position;
        for (const b of buffers) at += b.copy(inode.data, at);
        inode.length = Math.max(inode.length, end);
        return total;
      },
      sync: async () => {
        if (this.syncDelayMs > 0) await new Promise((r) => setTimeout(r, this.syncDelayMs));
        else await Promise.resolve();
        live('sync');
        inode.durableLength = inode.length;
      },
      truncate: async (length) => {
        await Promise.resolve();
        live('truncate');
        if (length < inode.length) inode.data.fill(0, length, inode.length);
        inode.length = length;
        inode.durableLength = Math.min(inode.durableLength, length);
      },
      size: async () => {
        await Promise.resolve();
        if (closed) throw new Error(`EBADF: size on closed handle ${p}`);
        return inode.length;
      },
      close: async () => {
        await Promise.resolve();
        if (closed) throw new Error(`EBADF: double close of ${p}`);
        closed = true;
        this.openHandles--;
      },
    };
  }

  async open(p: string, mode: OpenMode): Promise<FileHandle> {
    await Promise.resolve();
    p = path.normalize(p);
    this.check('open', p);
    if (mode === 'create') {
      this.requireDir(p);
      const inode = { data: Buffer.alloc(0), length: 0, durableLength: 0 };
      const existing = this.files.get(p);
      if (existing) {
        existing.length = 0;
        existing.durableLength = 0;
        return this.handle(existing, p, true);
      }
      this.files.set(p, inode);
      return this.handle(inode, p, true);
    }
    return this.handle(this.inode(p), p, mode === 'readWrite');
  }

  async readFile(p: string): Promise<Buffer | null> {
    await Promise.resolve();
    p = path.normalize(p);
    this.check('read', p);
    const inode = this.files.get(p);
    return inode ? Buffer.from(inode.data.subarray(0, inode.length)) : null;
  }

  async writeFile(p: string, data: Buffer): Promise<void> {
    await Promise.resolve();
    p = path.normalize(p);
    this.check('writeFile', p);
    this.requireDir(p);
    const copy = Buffer.from(data);
    this.files.set(p, { data: copy, length: copy.length, durableLength: copy.length });
  }

  async rename(from: string, to: string): Promise<void> {
    await Promise.resolve();
    from = path.normalize(from);
    to = path.normalize(to);
    this.check('rename', from);
    const inode = this.inode(from);
    this.requireDir(to);
    this.files.delete(from);
    this.files.set(to, inode);
  }

  async unlink(p: string): Promise<void> {
    await Promise.resolve();
    p = path.normalize(p);
    this.check('unlink', p);
    this.files.delete(p);
  }

  async readdir(dir: string): Promise<string[]> {
    await Promise.resolve();
    dir = path.normalize(dir);
    this.check('readdir', dir);
    if (!this.dirs.has(dir)) throw enoent(dir);
    const names: string[] = [];
    for (const p of [...this.files.keys(), ...this.dirs]) {
      if (p !== dir && path.dirname(p) === dir) names.push(path.basename(p));
    }
    return names.sort();
  }

  async fileSize(p: string): Promise<number | null> {
    await Promise.resolve();
    if (this.dead) throw new Error('file system crashed');
    return this.files.get(path.normalize(p))?.length ?? null;
  }

  async mkdir(dir: string): Promise<void> {
    await Promise.resolve();
    dir = path.normalize(dir);
    this.check('mkdir', dir);
    for (let d = dir; !this.dirs.has(d); d = path.dirname(d)) this.dirs.add(d);
  }

  async removeDir(dir: string): Promise<void> {
    await Promise.resolve();
    dir = path.normalize(dir);
    this.check('unlink', dir);
    const inside = (p: string): boolean => p === dir || p.startsWith(`${dir}/`);
    for (const p of [...this.files.keys()]) if (inside(p)) this.files.delete(p);
    for (const d of [...this.dirs]) if (inside(d)) this.dirs.delete(d);
  }

  async syncDir(dir: string): Promise<void> {
    await Promise.resolve();
    this.check('syncDir', path.normalize(dir));
  }
}
