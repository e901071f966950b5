/** A tagged field this codec does not know, kept so it can be written back unchanged. */
export interface TaggedField {
  tag: number;
  data: Buffer;
}
