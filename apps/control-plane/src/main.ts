/**
 * The control plane's HTTP API. Exits non-zero when its database or Redis is unreachable.
 *   DATABASE_URL=postgresql://... REDIS_URL=redis://... PORT=8080 node apps/control-plane/dist/main.js
 */
import { loadConfig } from './config.js';
import { createApi } from './app.module.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const api = await createApi(config);
  await api.app.listen(config.port, config.host);
  console.log(
    `tributary control plane listening on http://${config.host}:${config.port} (OpenAPI: /v1/openapi.json)`,
  );
  const stop = async () => {
    await api.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(`control plane failed to start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
