/** Fixed-size entries in a growable Buffer: storage shared by the offset and time indexes. */
export class IndexBuffer {
  private buf: Buffer;
  private used = 0;

  constructor(
    readonly entrySize: number,
    initial?: Buffer,
  ) {
    if (initial) {
      const whole = initial.length - (initial.length % entrySize);
      this.buf = initial.subarray(0, whole);
      this.used = whole;
    } else {
      this.buf = Buffer.alloc(entrySize * 64);
    }
  }

  get entries(): number {
    return this.used / this.entrySize;
  }

  get byteSize(): number {
    return this.used;
  }

  /** Byte position of a new entry at the end, growing the buffer when needed. */
  reserve(): { buf: Buffer; at: number } {
    if (this.used + this.entrySize > this.buf.length) {
      const grown = Buffer.alloc(Math.max(this.buf.length * 2, this.entrySize * 64));
      this.buf.copy(grown, 0, 0, this.used);
      this.buf = grown;
    }
    const at = this.used;
    this.used += this.entrySize;
    return { buf: this.buf, at };
  }

  view(): Buffer {
    return this.buf.subarray(0, this.used);
  }

  /** Index of the last entry whose key (read by `keyAt`) is <= key (or < key when strict), else -1. */
  searchLast(keyAt: (buf: Buffer, at: number) => number, key: number, strict: boolean): number {
    let lo = 0;
    let hi = this.entries - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const k = keyAt(this.buf, mid * this.entrySize);
      if (strict ? k < key : k <= key) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** Copy of the entries, for writing to a file. */
  toBuffer(): Buffer {
    return Buffer.from(this.view());
  }
}
