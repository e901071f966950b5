/** Checks the shape of JSON printed by the Java drivers, so callers get typed values. */
import type { JsonObject, JsonValue } from './java.js';

export function ofType(lines: JsonObject[], type: string): JsonObject[] {
  return lines.filter((l) => l.type === type);
}

export function single(lines: JsonObject[], type: string): JsonObject {
  const found = ofType(lines, type);
  if (found.length !== 1) throw new Error(`expected one "${type}" line, got ${found.length}`);
  return found[0];
}

function shapeError(key: string, want: string, got: JsonValue | undefined): Error {
  return new Error(`driver output: ${key} should be ${want}, got ${JSON.stringify(got)}`);
}
export function asNumber(v: JsonValue | undefined, key: string): number {
  if (typeof v !== 'number') throw shapeError(key, 'a number', v);
  return v;
}
export function asString(v: JsonValue | undefined, key: string): string {
  if (typeof v !== 'string') throw shapeError(key, 'a string', v);
  return v;
}
export function asObject(v: JsonValue | undefined, key: string): JsonObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw shapeError(key, 'an object', v);
  return v;
}
export const num = (o: JsonObject, k: string): number => asNumber(o[k], k);
export const str = (o: JsonObject, k: string): string => asString(o[k], k);
export const obj = (o: JsonObject, k: string): JsonObject => asObject(o[k], k);
export function strOrNull(o: JsonObject, k: string): string | null {
  return o[k] === null || o[k] === undefined ? null : asString(o[k], k);
}
export function bool(o: JsonObject, k: string): boolean {
  const v = o[k];
  if (typeof v !== 'boolean') throw shapeError(k, 'a boolean', v);
  return v;
}
export function arr(o: JsonObject, k: string): JsonValue[] {
  const v = o[k];
  if (!Array.isArray(v)) throw shapeError(k, 'an array', v);
  return v;
}
export function numberMap(o: JsonObject, k: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, v] of Object.entries(obj(o, k))) out[key] = asNumber(v, `${k}.${key}`);
  return out;
}
