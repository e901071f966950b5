/**
 * The only file-system surface the log store uses. Two implementations: `nodeFileOps`
 * (real disk, node:fs/promises) and `MemFileOps` (in-memory fake that can inject failures and
 * simulate a crash that loses everything not fsynced).
 */

export interface FileHandle {
  /** Reads up to `length` bytes at `position` into `buffer[offset..]`; returns the count (0 at EOF). */
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<number>;
  /** Writes the buffers back to back at `position`; returns bytes written (may be short). */
  writev(buffers: readonly Buffer[], position: number): Promise<number>;
  /** fdatasync: the file's data and size are durable when this resolves. */
  sync(): Promise<void>;
  truncate(length: number): Promise<void>;
  size(): Promise<number>;
  close(): Promise<void>;
}

/** `create` creates or truncates; `readWrite` opens an existing file for positional writes. */
export type OpenMode = 'read' | 'readWrite' | 'create';

export interface FileOps {
  open(path: string, mode: OpenMode): Promise<FileHandle>;
  /** Whole file, or null when it does not exist. */
  readFile(path: string): Promise<Buffer | null>;
  /** Creates/truncates, writes and fsyncs (not atomic: callers rename a temp file). */
  writeFile(path: string, data: Buffer): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** Removes a file; a missing file is not an error. */
  unlink(path: string): Promise<void>;
  /** Entry names (not paths) of a directory. */
  readdir(dir: string): Promise<string[]>;
  /** Size in bytes, or null when the file does not exist. */
  fileSize(path: string): Promise<number | null>;
  /** mkdir -p */
  mkdir(dir: string): Promise<void>;
  /** rm -rf */
  removeDir(dir: string): Promise<void>;
  /** Makes creations, renames and removals in `dir` durable. */
  syncDir(dir: string): Promise<void>;
}

/** Reads until `length` bytes are in or EOF is hit; returns the number of bytes read. */
export async function readFully(
  handle: FileHandle,
  buffer: Buffer,
  offset: number,
  length: number,
  position: number,
): Promise<number> {
  let done = 0;
  while (done < length) {
    const n = await handle.read(buffer, offset + done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/** Writes every byte of `buffers` at `position`, looping over short writes. */
export async function writeFully(
  handle: FileHandle,
  buffers: readonly Buffer[],
  position: number,
): Promise<number> {
  let total = 0;
  for (const b of buffers) total += b.length;
  let written = await handle.writev(buffers, position);
  while (written < total) {
    const rest: Buffer[] = [];
    let skip = written;
    for (const b of buffers) {
      if (skip >= b.length) {
        skip -= b.length;
        continue;
      }
      rest.push(skip > 0 ? b.subarray(skip) : b);
      skip = 0;
    }
    const n = await handle.writev(rest, position + written);
    if (n <= 0) throw new Error(`short write at ${position + written}`);
    written += n;
  }
  return total;
}

/** Writes `data` to `path` atomically: temp file, fsync, rename, fsync of the directory. */
export async function writeFileAtomic(
  fs: FileOps,
  dir: string,
  path: string,
  data: Buffer,
): Promise<void> {
  const tmp = `${path}.tmp`;
  await fs.writeFile(tmp, data);
  await fs.rename(tmp, path);
  await fs.syncDir(dir);
}
