/**
 * The broker's ACLs, persisted in <data dir>/meta/acls.json (written durably: temp file,
 * fsync, rename) so the data plane keeps enforcing them while the control plane is away.
 *
 * Concurrency model: mutations (create, delete) run one at a time through `queue`; each
 * computes the new set, writes it to disk and only then swaps it in and tells listeners
 * (the authorizer rebuilds its index synchronously). A failed write leaves memory and disk
 * at the previous set. Reads (`list`) see the last committed set.
 */
import { join } from 'node:path';
import { z } from 'zod';
import type { DataDir } from '../../storage/data-dir.js';
import { readJsonIfExists, writeFileDurably } from '../../storage/durable-file.js';
import {
  AclOperation,
  AclPermission,
  AclResourceType,
  PatternType,
  bindingKey,
  bindingProblem,
  describeBinding,
  filterMatches,
  operationName,
  patternTypeName,
  permissionName,
  resourceTypeName,
  type AclBinding,
  type AclFilter,
} from './acl-model.js';

const FILE_VERSION = 1;

/** The file's binding shape: names, not codes, so the file is readable and diffable. */
export const StoredBinding = z.strictObject({
  resourceType: z.enum(Object.keys(AclResourceType) as [string, ...string[]]),
  resourceName: z.string(),
  patternType: z.enum(Object.keys(PatternType) as [string, ...string[]]),
  principal: z.string(),
  host: z.string(),
  operation: z.enum(Object.keys(AclOperation) as [string, ...string[]]),
  permissionType: z.enum(Object.keys(AclPermission) as [string, ...string[]]),
});
export type StoredBinding = z.infer<typeof StoredBinding>;

const StoredFile = z.strictObject({
  version: z.literal(FILE_VERSION),
  acls: z.array(StoredBinding),
});

const code = (table: Readonly<Record<string, number>>, name: string): number => table[name];

/** Names → codes. */
export function fromStored(s: StoredBinding): AclBinding {
  return {
    resourceType: code(AclResourceType, s.resourceType),
    resourceName: s.resourceName,
    patternType: code(PatternType, s.patternType),
    principal: s.principal,
    host: s.host,
    operation: code(AclOperation, s.operation),
    permissionType: code(AclPermission, s.permissionType),
  };
}

/** Codes → names (the admin endpoint answers in this shape too). */
export function toStored(b: AclBinding): StoredBinding {
  return {
    resourceType: resourceTypeName(b.resourceType),
    resourceName: b.resourceName,
    patternType: patternTypeName(b.patternType),
    principal: b.principal,
    host: b.host,
    operation: operationName(b.operation),
    permissionType: permissionName(b.permissionType),
  };
}

export function aclsFile(dir: DataDir): string {
  return join(dir.metaDir, 'acls.json');
}

export class AclStore {
  private bindings: readonly AclBinding[];
  private keys: ReadonlySet<string>;
  private readonly listeners: Array<(acls: readonly AclBinding[]) => void> = [];
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly file: string,
    initial: readonly AclBinding[],
  ) {
    this.bindings = initial;
    this.keys = new Set(initial.map(bindingKey));
  }

  /** Loads the file (absent = no ACLs). A malformed file stops the broker: it must not start unprotected. */
  static async open(file: string): Promise<AclStore> {
    const raw = await readJsonIfExists<unknown>(file);
    if (raw === undefined) return new AclStore(file, []);
    const parsed = StoredFile.safeParse(raw);
    if (!parsed.success)
      throw new Error(`${file} is not a valid ACL file: ${parsed.error.message}`);
    const acls = parsed.data.acls.map(fromStored);
    for (const b of acls) {
      const problem = bindingProblem(b);
      if (problem) throw new Error(`${file}: invalid ACL ${describeBinding(b)}: ${problem}`);
    }
    return new AclStore(file, acls);
  }

  /** Every ACL, in creation order. */
  list(): readonly AclBinding[] {
    return this.bindings;
  }

  /** Called with the new set after every committed change. */
  onChange(listener: (acls: readonly AclBinding[]) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Adds the bindings that are not present yet (callers validate them first); returns which
   * of the given bindings were new. Duplicates within `bindings` count once.
   */
  create(bindings: readonly AclBinding[]): Promise<boolean[]> {
    return this.mutate(() => {
      const keys = new Set(this.keys);
      const added: AclBinding[] = [];
      const fresh = bindings.map((b) => {
        const key = bindingKey(b);
        if (keys.has(key)) return false;
        keys.add(key);
        added.push(b);
        return true;
      });
      return { next: added.length > 0 ? [...this.bindings, ...added] : null, result: fresh };
    });
  }

  /**
   * Removes every binding matched by any of the filters; returns, per filter, the bindings it
   * matched (one binding may be reported under several filters, as Kafka does).
   */
  delete(filters: readonly AclFilter[]): Promise<AclBinding[][]> {
    return this.mutate(() => {
      const matched = filters.map((f) => this.bindings.filter((b) => filterMatches(f, b)));
      const gone = new Set(matched.flat());
      const next = gone.size > 0 ? this.bindings.filter((b) => !gone.has(b)) : null;
      return { next, result: matched };
    });
  }

  private mutate<T>(change: () => { next: readonly AclBinding[] | null; result: T }): Promise<T> {
    const run = this.queue.then(async () => {
      const { next, result } = change();
      if (next !== null) {
        const body = { version: FILE_VERSION, acls: next.map(toStored) };
        await writeFileDurably(this.file, `${JSON.stringify(body, null, 2)}\n`);
        this.bindings = next;
        this.keys = new Set(next.map(bindingKey));
        for (const listener of this.listeners) listener(next);
      }
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}
