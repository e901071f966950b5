/** Loads Kafka's JSON message definitions (JSON with // comments) into a typed model. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface VersionRange {
  min: number;
  max: number; // Infinity for "N+"
}

export interface FieldSpec {
  name: string;
  type: string;
  versions: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number | string;
  default?: string;
  ignorable?: boolean;
  flexibleVersions?: string;
  fields?: FieldSpec[];
}

export interface StructSpec {
  name: string;
  versions?: string;
  fields: FieldSpec[];
}

export interface MessageSpec {
  apiKey?: number;
  type: 'request' | 'response' | 'header' | 'data';
  name: string;
  validVersions: string;
  flexibleVersions: string;
  deprecatedVersions?: string;
  latestVersionUnstable?: boolean;
  listeners?: string[];
  fields: FieldSpec[];
  commonStructs?: StructSpec[];
}

/** Parses "3+", "0-5", "7" or "none" (null). */
export function parseVersions(spec: string | undefined): VersionRange | null {
  if (spec === undefined || spec === 'none' || spec === '') return null;
  const s = spec.trim();
  if (s.endsWith('+')) return { min: Number(s.slice(0, -1)), max: Infinity };
  const dash = s.indexOf('-');
  if (dash > 0) return { min: Number(s.slice(0, dash)), max: Number(s.slice(dash + 1)) };
  return { min: Number(s), max: Number(s) };
}

export function stripComments(text: string): string {
  return text.replace(/^\s*\/\/.*$/gm, '');
}

export function loadMessages(dir: string): MessageSpec[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(stripComments(readFileSync(join(dir, f), 'utf8'))) as MessageSpec);
}
