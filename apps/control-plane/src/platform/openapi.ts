/**
 * OpenAPI 3 from the code: @nestjs/swagger walks the controllers (paths, methods,
 * parameters); request bodies come from the same zod schemas that validate them.
 */
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { z } from 'zod';

type SchemaObject = Record<string, unknown>;

export function openApiSchema(schema: z.ZodType): SchemaObject {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  }) as SchemaObject;
  return rest;
}

export function buildOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Tributary control plane')
    .setDescription(
      'Self-service Kafka clusters. Errors are RFC 9457 problem+json; lists take page_size/page_token; POST takes Idempotency-Key; updates take If-Match.',
    )
    .setVersion('1')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      description: 'cloud API key: <key id>.<secret>',
    })
    .addCookieAuth('tributary_session')
    .build();
  const doc = SwaggerModule.createDocument(app, config);
  for (const path of Object.keys(doc.paths))
    if (path.startsWith('/internal/')) delete doc.paths[path];
  return doc;
}
