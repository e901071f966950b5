/**
 * Child process for the SIGKILL test: appends deterministic batches forever and prints
 * "acked <offset>" after each flush resolves. The parent kills it mid-stream.
 */
import { openPartitionLog } from '../src/open-log.js';
import { makeBatch, smallConfig } from './helpers.js';

const dir = process.argv[2];
const log = await openPartitionLog(dir, smallConfig({ segmentBytes: 8192 }));
for (let i = 0; ; i++) {
  const records: Buffer[] = [];
  const spans: Array<{ start: number; size: number }> = [];
  let at = 0;
  for (let j = 0; j < 4; j++) {
    const b = makeBatch({ count: 2, valueSize: 50 + ((i * 4 + j) % 100), fill: (i * 4 + j) % 256 });
    records.push(b);
    spans.push({ start: at, size: b.length });
    at += b.length;
  }
  const r = log.append({ records: Buffer.concat(records), batches: spans, now: Date.now() });
  if (!r.ok) throw new Error(r.message);
  const end = r.lastOffset + 1;
  void log.flush(end).then(() => process.stdout.write(`acked ${end}\n`));
  if (i % 8 === 7) await log.flush(end);
}
