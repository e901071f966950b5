/**
 * Regenerates the protocol codecs into memory and fails when the committed files differ.
 * Skipped (with a note) when Kafka's message definitions are not next to the repository.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { defaultMessagesDir, generate, generatedDir } from './generate.js';

if (!existsSync(defaultMessagesDir)) {
  console.log(`check:generated skipped: ${defaultMessagesDir} is not present`);
  process.exit(0);
}
const expected = generate(defaultMessagesDir);
const committed = new Set(readdirSync(generatedDir));
const problems: string[] = [];
for (const [name, text] of expected) {
  if (!committed.has(name)) problems.push(`missing: ${name}`);
  else if (readFileSync(join(generatedDir, name), 'utf8') !== text) problems.push(`stale: ${name}`);
  committed.delete(name);
}
for (const extra of committed) problems.push(`not generated: ${extra}`);
if (problems.length) {
  console.error(
    `Generated protocol code is out of date (run npm run gen:protocol):\n  ${problems.join('\n  ')}`,
  );
  process.exit(1);
}
console.log(`check:generated: ${expected.size} files current`);
