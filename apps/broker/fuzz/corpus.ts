/** Seed frames: a structurally valid random request for every API version the broker serves. */
import {
  API_SPECS,
  CODECS,
  SCHEMA,
  encodeRequestFrame,
  randomMessage,
  type Rng,
} from '@tributary/kafka-protocol';

export function generatedSeeds(
  served: ReadonlyArray<{ apiKey: number; minVersion: number; maxVersion: number }>,
  rand: Rng,
  perVersion = 2,
): Buffer[] {
  const seeds: Buffer[] = [];
  let correlationId = 1;
  for (const { apiKey, minVersion, maxVersion } of served) {
    const spec = API_SPECS.get(apiKey);
    const codec = CODECS.get(apiKey);
    if (!spec || !codec) continue;
    const name = `${spec.name}Request`;
    if (!SCHEMA[name]) continue;
    for (let v = minVersion; v <= maxVersion; v++) {
      for (let i = 0; i < perVersion; i++) {
        const body = randomMessage(name, v, rand);
        seeds.push(
          encodeRequestFrame(
            { apiKey, apiVersion: v, correlationId: correlationId++, clientId: 'fuzz' },
            (w) => codec.request.write(w, body as never, v),
          ),
        );
      }
    }
  }
  return seeds;
}
