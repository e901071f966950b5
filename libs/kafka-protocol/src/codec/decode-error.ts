/** A request or response that cannot be parsed: the connection that sent it gets closed. */
export class DecodeError extends Error {
  override name = 'DecodeError';
}
