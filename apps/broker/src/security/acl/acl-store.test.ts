/** The ACL store: durable, idempotent, and all-or-nothing when the disk fails. */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AclOperation as Op,
  AclPermission,
  AclResourceType as Type,
  MATCH_ALL_FILTER,
  PatternType,
  type AclBinding,
} from './acl-model.js';
import { AclStore } from './acl-store.js';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tributary-acl-store-'));
  file = join(dir, 'meta', 'acls.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const read = (name: string, op: number = Op.READ): AclBinding => ({
  resourceType: Type.TOPIC,
  resourceName: name,
  patternType: PatternType.LITERAL,
  principal: 'User:alice',
  host: '*',
  operation: op,
  permissionType: AclPermission.ALLOW,
});

describe('AclStore', () => {
  it('starts empty without a file and persists what it is given, readable by name', async () => {
    const store = await AclStore.open(file);
    expect(store.list()).toEqual([]);
    expect(await store.create([read('a'), read('b'), read('a')])).toEqual([true, true, false]);
    expect(await store.create([read('a')])).toEqual([false]);
    const json = JSON.parse(await readFile(file, 'utf8')) as { version: number; acls: unknown[] };
    expect(json.version).toBe(1);
    expect(json.acls).toEqual([
      {
        resourceType: 'TOPIC',
        resourceName: 'a',
        patternType: 'LITERAL',
        principal: 'User:alice',
        host: '*',
        operation: 'READ',
        permissionType: 'ALLOW',
      },
      expect.objectContaining({ resourceName: 'b' }),
    ]);
    const reopened = await AclStore.open(file);
    expect(reopened.list()).toEqual([read('a'), read('b')]);
  });

  it('deletes what the filters match and reports it per filter', async () => {
    const store = await AclStore.open(file);
    await store.create([read('a'), read('b'), read('c', Op.WRITE)]);
    const changes: number[] = [];
    store.onChange((acls) => changes.push(acls.length));
    const [byName, byOp, none] = await store.delete([
      { ...MATCH_ALL_FILTER, resourceName: 'a' },
      { ...MATCH_ALL_FILTER, operation: Op.READ },
      { ...MATCH_ALL_FILTER, resourceName: 'zzz' },
    ]);
    expect(byName).toEqual([read('a')]);
    expect(byOp).toEqual([read('a'), read('b')]);
    expect(none).toEqual([]);
    expect(store.list()).toEqual([read('c', Op.WRITE)]);
    expect((await AclStore.open(file)).list()).toEqual([read('c', Op.WRITE)]);
    expect(changes).toEqual([1]);
  });

  it('keeps the previous set in memory and on disk when the write fails', async () => {
    const store = await AclStore.open(file);
    await store.create([read('a')]);
    // The durable write goes through acls.json.tmp: a directory there makes it fail (even as root).
    await mkdir(`${file}.tmp`);
    await expect(store.create([read('b')])).rejects.toThrow(/EISDIR/);
    expect(store.list()).toEqual([read('a')]);
    expect((await AclStore.open(file)).list()).toEqual([read('a')]);
    await rm(`${file}.tmp`, { recursive: true });
    // The queue is not poisoned by the failure.
    expect(await store.create([read('b')])).toEqual([true]);
    expect((await AclStore.open(file)).list()).toEqual([read('a'), read('b')]);
  });

  it('refuses to open a malformed or invalid file', async () => {
    await mkdir(join(dir, 'meta'), { recursive: true });
    await writeFile(file, '{"version":1,"acls":[{"resourceType":"TOPIC"}]}');
    await expect(AclStore.open(file)).rejects.toThrow(/not a valid ACL file/);
    await writeFile(
      file,
      JSON.stringify({
        version: 1,
        acls: [
          {
            ...read('x'),
            resourceType: 'TOPIC',
            patternType: 'MATCH',
            operation: 'READ',
            permissionType: 'ALLOW',
          },
        ],
      }),
    );
    await expect(AclStore.open(file)).rejects.toThrow(/Invalid patternType MATCH/);
  });
});
