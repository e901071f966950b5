/**
 * Emits the TypeScript codec of one Kafka message: an interface per struct, plus
 * read/write/make functions taking the version as a parameter.
 */
import {
  type FieldSpec,
  type MessageSpec,
  type StructSpec,
  type VersionRange,
  parseVersions,
} from './spec.js';

const PRIMITIVES = new Set([
  'int8',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'float64',
  'bool',
  'string',
  'bytes',
  'records',
  'uuid',
]);

const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

export function camel(name: string): string {
  if (/^[A-Z0-9]+$/.test(name)) return name.toLowerCase();
  return name[0].toLowerCase() + name.slice(1);
}

interface StructDef {
  /** TypeScript name, prefixed with the message name. */
  tsName: string;
  fields: FieldSpec[];
}

class Emitter {
  private readonly structs = new Map<string, StructDef>();
  private readonly valid: VersionRange;
  private readonly flexible: VersionRange | null;
  private readonly out: string[] = [];

  constructor(private readonly msg: MessageSpec) {
    const valid = parseVersions(msg.validVersions);
    if (!valid) throw new Error(`${msg.name}: no valid versions`);
    this.valid = valid;
    this.flexible = parseVersions(msg.flexibleVersions);
    for (const s of msg.commonStructs ?? []) this.registerStruct(s.name, s.fields);
    this.collect(msg.fields);
    for (const s of msg.commonStructs ?? []) this.collect(s.fields);
  }

  private registerStruct(name: string, fields: FieldSpec[]): void {
    if (this.structs.has(name)) throw new Error(`${this.msg.name}: struct ${name} defined twice`);
    // Struct names that already start with the message name (MetadataResponseTopic) are unique.
    const tsName = name.startsWith(this.msg.name) ? name : this.msg.name + name;
    this.structs.set(name, { tsName, fields });
  }

  private collect(fields: FieldSpec[]): void {
    for (const f of fields) {
      if (f.fields) {
        this.registerStruct(elementType(f.type), f.fields);
        this.collect(f.fields);
      }
    }
  }

  /** A condition on `version` that is true exactly in `range` (within the valid versions). */
  private cond(range: VersionRange | null): string {
    if (!range) return 'false';
    const lo = range.min > this.valid.min;
    const hi = range.max < this.valid.max;
    if (range.min > this.valid.max || range.max < this.valid.min) return 'false';
    if (lo && hi)
      return range.min === range.max
        ? `version === ${range.min}`
        : `version >= ${range.min} && version <= ${range.max}`;
    if (lo) return `version >= ${range.min}`;
    if (hi) return `version <= ${range.max}`;
    return 'true';
  }

  private compact(f: FieldSpec): string {
    if (f.flexibleVersions !== undefined) return this.cond(parseVersions(f.flexibleVersions));
    return 'flexible';
  }

  private structOf(type: string): StructDef {
    const s = this.structs.get(type);
    if (!s) throw new Error(`${this.msg.name}: unknown struct type ${type}`);
    return s;
  }

  private tsType(f: FieldSpec): string {
    const nullable = parseVersions(f.nullableVersions) !== null;
    const n = nullable ? ' | null' : '';
    if (f.type.startsWith('[]')) {
      const el = elementType(f.type);
      const elTs = PRIMITIVES.has(el) ? primitiveTs(el) : this.structOf(el).tsName;
      return `${elTs}[]${n}`;
    }
    if (f.type === 'records') return 'RecordsData';
    if (PRIMITIVES.has(f.type)) return primitiveTs(f.type) + n;
    return this.structOf(f.type).tsName + n;
  }

  private defaultExpr(f: FieldSpec): string {
    const d = f.default;
    const nullable = parseVersions(f.nullableVersions) !== null;
    if (d === 'null') return 'null';
    if (f.type.startsWith('[]')) return '[]';
    switch (f.type) {
      case 'int8':
      case 'int16':
      case 'uint16':
      case 'int32':
      case 'uint32':
      case 'int64':
      case 'float64':
        return d !== undefined && d !== '' ? String(Number(d)) : '0';
      case 'bool':
        return d === 'true' ? 'true' : 'false';
      case 'string':
        return JSON.stringify(d ?? '');
      case 'bytes':
        return nullable && d === undefined ? 'Buffer.alloc(0)' : 'Buffer.alloc(0)';
      case 'records':
        return 'null';
      case 'uuid':
        return JSON.stringify(ZERO_UUID);
      default:
        return `make${this.structOf(f.type).tsName}()`;
    }
  }

  private readExpr(f: FieldSpec, type: string, elementOf?: FieldSpec): string {
    const field = elementOf ?? f;
    const nullableRange = parseVersions(field.nullableVersions);
    const nullable = elementOf ? 'false' : this.cond(nullableRange);
    const cast = nullableRange === null || elementOf ? '!' : '';
    if (type.startsWith('[]')) {
      const el = elementType(type);
      const inner = this.readExpr(f, el, f);
      return `r.array(${this.compact(f)}, ${nullable}, (r) => ${inner})${cast}`;
    }
    switch (type) {
      case 'int8':
      case 'int16':
      case 'uint16':
      case 'int32':
      case 'uint32':
      case 'int64':
      case 'float64':
      case 'bool':
      case 'uuid':
        return `r.${type}()`;
      case 'string':
        return `r.string(${this.compact(field)}, ${nullable})${cast}`;
      case 'bytes':
      case 'records':
        return `r.bytes(${this.compact(field)}, ${nullable})${cast}`;
      default: {
        const s = this.structOf(type);
        if (!elementOf && nullableRange) {
          return `(${nullable} && r.int8() < 0 ? null : read${s.tsName}(r, version))`;
        }
        return `read${s.tsName}(r, version)`;
      }
    }
  }

  private writeStmt(f: FieldSpec, type: string, value: string, elementOf?: FieldSpec): string {
    const field = elementOf ?? f;
    const nullableRange = elementOf ? null : parseVersions(field.nullableVersions);
    const nullable = nullableRange ? this.cond(nullableRange) : 'false';
    if (type.startsWith('[]')) {
      const el = elementType(type);
      const inner = this.writeStmt(f, el, 'e', f);
      const v = nullableRange
        ? nullable === 'true'
          ? value
          : `(${nullable} ? ${value} : ${value} ?? [])`
        : value;
      return `w.array(${v}, ${this.compact(f)}, (w, e) => { ${inner} });`;
    }
    switch (type) {
      case 'int8':
      case 'int16':
      case 'uint16':
      case 'int32':
      case 'uint32':
      case 'int64':
      case 'float64':
      case 'bool':
      case 'uuid':
        return `w.${type}(${value});`;
      case 'string': {
        const v = nullableRange
          ? nullable === 'true'
            ? value
            : `(${nullable} ? ${value} : ${value} ?? '')`
          : value;
        return `w.string(${v}, ${this.compact(field)});`;
      }
      case 'bytes': {
        const v = nullableRange
          ? nullable === 'true'
            ? value
            : `(${nullable} ? ${value} : ${value} ?? EMPTY)`
          : value;
        return `w.bytes(${v}, ${this.compact(field)});`;
      }
      case 'records':
        return `w.records(${value}, ${this.compact(field)});`;
      default: {
        const s = this.structOf(type);
        if (nullableRange) {
          return `if (${value} === null) { w.int8(-1); } else { w.int8(1); write${s.tsName}(w, ${value}, version); }`;
        }
        return `write${s.tsName}(w, ${value}, version);`;
      }
    }
  }

  /** Expression true when a tagged field holds its default (and so is not written). */
  private isDefault(f: FieldSpec, value: string): string {
    if (f.default === 'null') return `${value} === null`;
    if (f.type.startsWith('[]')) return `(${value} === null || ${value}.length === 0)`;
    if (PRIMITIVES.has(f.type)) {
      if (f.type === 'bytes' || f.type === 'records')
        return `(${value} === null || ${value}.length === 0)`;
      return `${value} === ${this.defaultExpr(f)}`;
    }
    return `isDefault${this.structOf(f.type).tsName}(${value})`;
  }

  private emitStruct(def: StructDef): void {
    const { tsName, fields } = def;
    const lines = this.out;
    lines.push(`export interface ${tsName} {`);
    for (const f of fields) {
      lines.push(
        `  /** Versions ${f.versions}${f.taggedVersions ? `, tagged ${f.tag} in ${f.taggedVersions}` : ''}${f.nullableVersions ? `, nullable ${f.nullableVersions}` : ''}. */`,
      );
      lines.push(`  ${camel(f.name)}: ${this.tsType(f)};`);
    }
    lines.push('  /** Tagged fields this codec does not know, written back on encode. */');
    lines.push('  unknownTaggedFields?: TaggedField[];');
    lines.push('}', '');

    lines.push(`export function make${tsName}(init: Partial<${tsName}> = {}): ${tsName} {`);
    lines.push('  return {');
    for (const f of fields) lines.push(`    ${camel(f.name)}: ${this.defaultExpr(f)},`);
    lines.push('    ...init,');
    lines.push('  };');
    lines.push('}', '');

    lines.push(`export function isDefault${tsName}(v: ${tsName}): boolean {`);
    const checks = fields.map((f) => this.isDefault(f, `v.${camel(f.name)}`));
    lines.push(`  return ${checks.length ? checks.join(' && ') : 'true'};`);
    lines.push('}', '');

    const flexCond = this.cond(this.flexible);
    const regular = fields.filter((f) => f.taggedVersions === undefined);
    const tagged = fields.filter((f) => f.taggedVersions !== undefined);

    // read
    lines.push(`export function read${tsName}(r: Reader, version: number): ${tsName} {`);
    lines.push(`  const flexible = ${flexCond};`);
    lines.push(`  const o = make${tsName}();`);
    for (const f of regular) {
      const c = this.cond(parseVersions(f.versions));
      if (c === 'false') continue;
      const stmt = `o.${camel(f.name)} = ${this.readExpr(f, f.type)};`;
      lines.push(c === 'true' ? `  ${stmt}` : `  if (${c}) ${stmt}`);
    }
    lines.push('  if (flexible) {');
    lines.push('    o.unknownTaggedFields = r.taggedFields((tag, r) => {');
    if (tagged.length) {
      lines.push('      switch (tag) {');
      for (const f of tagged) {
        const c = this.cond(parseVersions(f.taggedVersions));
        lines.push(`        case ${Number(f.tag)}:`);
        lines.push(`          if (!(${c})) return false;`);
        lines.push(`          o.${camel(f.name)} = ${this.readExpr(f, f.type)};`);
        lines.push('          return true;');
      }
      lines.push('        default:');
      lines.push('          return false;');
      lines.push('      }');
    } else {
      lines.push('      void tag;');
      lines.push('      void r;');
      lines.push('      return false;');
    }
    lines.push('    });');
    lines.push('  }');
    lines.push('  return o;');
    lines.push('}', '');

    // write
    lines.push(`export function write${tsName}(w: Writer, v: ${tsName}, version: number): void {`);
    lines.push(`  const flexible = ${flexCond};`);
    for (const f of regular) {
      const c = this.cond(parseVersions(f.versions));
      if (c === 'false') continue;
      const stmt = this.writeStmt(f, f.type, `v.${camel(f.name)}`);
      lines.push(c === 'true' ? `  ${stmt}` : `  if (${c}) { ${stmt} }`);
    }
    lines.push('  if (flexible) {');
    if (tagged.length) {
      lines.push('    const tagged: Array<[number, (w: Writer) => void]> = [];');
      for (const f of tagged) {
        const c = this.cond(parseVersions(f.taggedVersions));
        const value = `v.${camel(f.name)}`;
        lines.push(
          `    if (${c} && !(${this.isDefault(f, value)})) tagged.push([${Number(f.tag)}, (w) => { ${this.writeStmt(f, f.type, value)} }]);`,
        );
      }
      lines.push('    w.taggedFields(tagged, v.unknownTaggedFields);');
    } else {
      lines.push(
        '    if (v.unknownTaggedFields?.length) w.taggedFields([], v.unknownTaggedFields);',
      );
      lines.push('    else w.noTaggedFields();');
    }
    lines.push('  }');
    lines.push('}', '');
  }

  /** A compact description of every struct (for tests and the structure-aware fuzzer). */
  schema(): string[] {
    const range = (r: VersionRange | null): string =>
      r ? `[${r.min}, ${r.max === Infinity ? 32767 : r.max}]` : 'null';
    const entry = (tsName: string, fields: FieldSpec[]): string => {
      const fs = fields.map((f) => {
        const el = elementType(f.type);
        const struct = PRIMITIVES.has(el) ? 'null' : `'${this.structOf(el).tsName}'`;
        const compact =
          f.flexibleVersions !== undefined ? range(parseVersions(f.flexibleVersions)) : 'undefined';
        return `{ name: '${camel(f.name)}', type: '${f.type.startsWith('[]') ? '[]' + (PRIMITIVES.has(el) ? el : 'struct') : PRIMITIVES.has(el) ? el : 'struct'}', struct: ${struct}, versions: ${range(parseVersions(f.versions))}, nullable: ${range(parseVersions(f.nullableVersions))}, tagged: ${range(parseVersions(f.taggedVersions))}, compact: ${compact} }`;
      });
      const list = fs.length ? `\n    ${fs.join(',\n    ')},\n  ` : '';
      return `  ${tsName}: { valid: ${range(this.valid)}, flexible: ${range(this.flexible)}, fields: [${list}] },`;
    };
    return [
      entry(this.msg.name, this.msg.fields),
      ...[...this.structs.values()].map((d) => entry(d.tsName, d.fields)),
    ];
  }

  emit(): string {
    const msg = this.msg;
    const lines = this.out;
    lines.push(
      `export const ${msg.name}Versions = { min: ${this.valid.min}, max: ${this.valid.max}, flexibleMin: ${this.flexible ? this.flexible.min : -1} } as const;`,
    );
    lines.push('');
    // Top-level struct first, then nested ones (order does not matter for function declarations).
    this.emitStruct({ tsName: msg.name, fields: msg.fields });
    for (const def of this.structs.values()) this.emitStruct(def);
    return lines.join('\n') + '\n';
  }
}

function elementType(type: string): string {
  return type.startsWith('[]') ? type.slice(2) : type;
}

function primitiveTs(type: string): string {
  switch (type) {
    case 'bool':
      return 'boolean';
    case 'string':
    case 'uuid':
      return 'string';
    case 'bytes':
      return 'Buffer';
    case 'records':
      return 'RecordsData';
    default:
      return 'number';
  }
}

/** The body of one message's codec; `fileHeader` supplies the imports it uses. */
export function emitMessage(msg: MessageSpec): string {
  return new Emitter(msg).emit();
}

export function emitSchema(msg: MessageSpec): string[] {
  return new Emitter(msg).schema();
}

export function fileHeader(sources: string[]): string {
  return [
    `// DO NOT EDIT: generated by libs/kafka-protocol/scripts/generate.ts from ${sources.join(', ')}.`,
    '// Message definitions: Apache Kafka (Apache License 2.0), see libs/kafka-protocol/NOTICE.',
    '/* eslint-disable */',
    "import type { Reader } from '../codec/reader.js';",
    "import type { Writer, RecordsData } from '../codec/writer.js';",
    "import type { TaggedField } from '../codec/tagged-field.js';",
    '',
    'const EMPTY = Buffer.alloc(0);',
    'void EMPTY;',
    '',
  ].join('\n');
}

export type { StructSpec };
