/**
 * Commands validate themselves when created: `validated(schema, input)` parses with the same
 * zod schema the controller's pipe uses, so a command built anywhere (controller, job, test)
 * is valid or throws the 400 problem with field pointers.
 */
import type { z } from 'zod';
import { parseOrThrow } from './validation.js';

export function validated<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  return parseOrThrow(schema, input);
}
