/** Topic names and configs as Kafka accepts them. */
import { z } from 'zod';

export const topicName = z
  .string()
  .min(1)
  .max(249, 'must be at most 249 characters')
  .regex(/^[a-zA-Z0-9._-]+$/, 'letters, digits, ".", "_" and "-" only')
  .refine((n) => n !== '.' && n !== '..', 'must not be "." or ".."');

export const topicConfigs = z.record(
  z.string().regex(/^[a-z0-9.]{1,100}$/, 'config names are Kafka property names'),
  z.string().max(1000),
);
