import { describe, expect, it } from 'vitest';
import { MemFileOps } from './mem-fs.js';
import { readFully, writeFileAtomic } from './file-ops.js';

describe('MemFileOps', () => {
  it('keeps only synced bytes (plus a torn prefix) across a crash', async () => {
    const fs = new MemFileOps();
    await fs.mkdir('/d');
    const h = await fs.open('/d/a', 'create');
    await h.writev([Buffer.from('hello '), Buffer.from('world')], 0);
    await h.sync();
    await h.writev([Buffer.from(' and more')], 11);
    expect(fs.rawFile('/d/a')?.toString()).toBe('hello world and more');
    expect(fs.crash().rawFile('/d/a')?.toString()).toBe('hello world');
    const torn = new MemFileOps();
    await torn.mkdir('/d');
    const t = await torn.open('/d/a', 'create');
    await t.writev([Buffer.from('abcdef')], 0);
    expect(torn.crash({ tornBytes: 2 }).rawFile('/d/a')?.toString()).toBe('ab');
    await expect(h.sync()).rejects.toThrow(/crashed/);
  });

  it('injects failures by operation, count and path', async () => {
    const fs = new MemFileOps();
    await fs.mkdir('/d');
    fs.failNextSync();
    fs.failNext('write', { after: 1, pathMatch: /b$/ });
    const a = await fs.open('/d/a', 'create');
    const b = await fs.open('/d/b', 'create');
    await a.writev([Buffer.from('x')], 0);
    await b.writev([Buffer.from('y')], 0);
    await expect(b.writev([Buffer.from('z')], 1)).rejects.toThrow(/injected write/);
    await expect(a.sync()).rejects.toThrow(/fsync/);
    await a.sync();
    expect(fs.counts.sync).toBe(2);
    expect(fs.openHandles).toBe(2);
    await a.close();
    await b.close();
    expect(fs.openHandles).toBe(0);
  });

  it('keeps open handles valid across rename and unlink, like POSIX', async () => {
    const fs = new MemFileOps();
    await fs.mkdir('/d');
    await writeFileAtomic(fs, '/d', '/d/f', Buffer.from('content'));
    const h = await fs.open('/d/f', 'read');
    await fs.rename('/d/f', '/d/g');
    await fs.unlink('/d/g');
    const buf = Buffer.alloc(7);
    expect(await readFully(h, buf, 0, 7, 0)).toBe(7);
    expect(buf.toString()).toBe('content');
    expect(await fs.readdir('/d')).toEqual([]);
    await expect(fs.open('/d/f', 'read')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
