/**
 * Request validation with zod: a failed parse becomes a 400 problem listing every field
 * (JSON pointer + message). Schemas are strict: unknown fields are errors, not ignored.
 */
import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { z } from 'zod';
import { problems, type FieldProblem } from './problem.js';

function pointer(prefix: string, path: PropertyKey[]): string {
  const parts = path.map((p) => String(p).replaceAll('~', '~0').replaceAll('/', '~1'));
  return prefix + (parts.length ? `/${parts.join('/')}` : '');
}

export function fieldProblems(error: z.ZodError, prefix = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        out.push({ pointer: pointer(prefix, [...issue.path, key]), detail: 'unknown field' });
    } else {
      out.push({ pointer: pointer(prefix, issue.path), detail: issue.message });
    }
  }
  return out;
}

export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  prefix = '',
): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw problems.validation(fieldProblems(r.error, prefix));
  return r.data;
}

/** `@Body(new Validate(schema))` / `@Query(new Validate(schema, '#query'))`. */
export class Validate<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(
    readonly schema: S,
    private readonly prefix = '',
  ) {}
  transform(value: unknown, _meta: ArgumentMetadata): z.output<S> {
    if (this.prefix === '' && value === undefined)
      throw problems.validation([{ pointer: '', detail: 'a JSON body is required' }]);
    return parseOrThrow(this.schema, value ?? {}, this.prefix);
  }
}

/** Display names: printable, trimmed, 1..64 characters. */
export const displayName = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[^\s].*[^\s]$|^[^\s]$/, 'must not start or end with white space')
  .regex(/^[\P{Cc}]*$/u, 'must not contain control characters');

export const idParam = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}-[a-z0-9]{1,40}$`), `must be a ${prefix}- id`);

/** Email addresses, compared lower-case. */
export const emailAddress = z
  .email('must be an email address')
  .max(254)
  .transform((e) => e.toLowerCase());
