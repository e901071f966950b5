/**
 * Small durable values kept next to the segments: one offset per file, written atomically
 * (temp file, fsync, rename, directory fsync). Format: a version line then the offset.
 */
import { writeFileAtomic, type FileOps } from './fs/file-ops.js';
import { checkpointFile, cleanShutdownFile, type CheckpointName } from './file-names.js';

const VERSION = '0';

export async function readCheckpoint(
  fs: FileOps,
  dir: string,
  name: CheckpointName,
): Promise<number | null> {
  const data = await fs.readFile(checkpointFile(dir, name));
  if (!data) return null;
  const [version, value] = data.toString('utf8').split('\n');
  const n = Number(value);
  return version === VERSION && value !== '' && Number.isSafeInteger(n) && n >= 0 ? n : null;
}

export async function writeCheckpoint(
  fs: FileOps,
  dir: string,
  name: CheckpointName,
  value: number,
): Promise<void> {
  const data = Buffer.from(`${VERSION}\n${value}\n`, 'utf8');
  await writeFileAtomic(fs, dir, checkpointFile(dir, name), data);
}

export async function hasCleanShutdownMarker(fs: FileOps, dir: string): Promise<boolean> {
  return (await fs.fileSize(cleanShutdownFile(dir))) !== null;
}

export async function writeCleanShutdownMarker(fs: FileOps, dir: string): Promise<void> {
  await writeFileAtomic(fs, dir, cleanShutdownFile(dir), Buffer.alloc(0));
}

/** Removed (durably) before the log accepts writes, so a later crash is never mistaken for a clean stop. */
export async function removeCleanShutdownMarker(fs: FileOps, dir: string): Promise<void> {
  await fs.unlink(cleanShutdownFile(dir));
  await fs.syncDir(dir);
}
