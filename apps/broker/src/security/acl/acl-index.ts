/**
 * The ACLs arranged for lookup by resource: per resource type, LITERAL bindings by exact name
 * (the `*` wildcard is one more name), PREFIXED bindings by prefix plus the distinct prefix
 * lengths, so finding every binding that applies to a resource costs one map lookup per
 * literal/wildcard and one per distinct prefix length — never a scan of all ACLs.
 * Immutable: the authorizer builds a new index when the ACL set changes.
 */
import { PatternType, WILDCARD_RESOURCE, type AclBinding } from './acl-model.js';

interface TypeIndex {
  literal: Map<string, AclBinding[]>;
  prefixed: Map<string, AclBinding[]>;
  /** Distinct lengths of the prefixes in `prefixed`, ascending. */
  prefixLengths: number[];
}

const NONE: readonly AclBinding[] = [];

function push(map: Map<string, AclBinding[]>, key: string, b: AclBinding): void {
  const list = map.get(key);
  if (list) list.push(b);
  else map.set(key, [b]);
}

export class AclIndex {
  private readonly byType = new Map<number, TypeIndex>();

  constructor(readonly bindings: readonly AclBinding[]) {
    for (const b of bindings) {
      let t = this.byType.get(b.resourceType);
      if (!t) {
        t = { literal: new Map(), prefixed: new Map(), prefixLengths: [] };
        this.byType.set(b.resourceType, t);
      }
      if (b.patternType === PatternType.LITERAL) push(t.literal, b.resourceName, b);
      else push(t.prefixed, b.resourceName, b);
    }
    for (const t of this.byType.values()) {
      t.prefixLengths = [...new Set([...t.prefixed.keys()].map((p) => p.length))].sort(
        (a, b) => a - b,
      );
    }
  }

  /** Every binding whose pattern covers the resource (type, name), whatever its principal or operation. */
  matching(resourceType: number, name: string): readonly AclBinding[] {
    const t = this.byType.get(resourceType);
    if (!t) return NONE;
    const exact = t.literal.get(name);
    const wildcard = name === WILDCARD_RESOURCE ? undefined : t.literal.get(WILDCARD_RESOURCE);
    let out: AclBinding[] | undefined;
    const add = (list: readonly AclBinding[] | undefined): void => {
      if (!list) return;
      out = out ? out.concat(list) : [...list];
    };
    add(exact);
    add(wildcard);
    for (const len of t.prefixLengths) {
      if (len > name.length) break;
      add(t.prefixed.get(name.slice(0, len)));
    }
    return out ?? NONE;
  }

  /** Every binding on resources of one type (authorizeByResourceType). */
  ofType(resourceType: number): readonly AclBinding[] {
    const t = this.byType.get(resourceType);
    if (!t) return NONE;
    return [...t.literal.values(), ...t.prefixed.values()].flat();
  }
}
