/**
 * Netstrings (`<length>:<bytes>,`) as Kamailio's evapi frames its messages
 * (`netstring_format=1`). A TCP read may end anywhere, so the decoder keeps what it has not
 * framed yet; a frame that cannot be one (no digits, a length past the limit, no comma after the
 * payload) makes the stream unusable, as a netstring has no way to find the next frame.
 */

/** The stream held something that is not a netstring: drop the connection. */
export class NetstringError extends Error {
  override name = "NetstringError";
}

/** Longest payload accepted (evapi messages here are a few hundred bytes). */
export const MAX_NETSTRING_BYTES = 64 * 1024;

const COLON = 0x3a;
const COMMA = 0x2c;

/** An incremental decoder: `push` bytes as they arrive, get back the payloads they completed. */
export class NetstringDecoder {
  #buffer = new Uint8Array(0);
  readonly #decoder = new TextDecoder("utf-8", { fatal: true });

  constructor(readonly maxBytes = MAX_NETSTRING_BYTES) {}

  /** The payloads completed by `chunk`, decoded as UTF-8. Throws {@link NetstringError}. */
  push(chunk: Uint8Array): string[] {
    const joined = new Uint8Array(this.#buffer.length + chunk.length);
    joined.set(this.#buffer);
    joined.set(chunk, this.#buffer.length);
    const out: string[] = [];
    let start = 0;
    while (start < joined.length) {
      const colon = joined.indexOf(COLON, start);
      const header = colon === -1 ? joined.subarray(start) : joined.subarray(start, colon);
      // "64K" is 5 digits: more digits than that, or any non-digit, is not a length.
      if (header.length > 6 || header.some((b) => b < 0x30 || b > 0x39)) {
        throw new NetstringError("netstring length is not a number");
      }
      if (colon === -1) break;
      if (header.length === 0) throw new NetstringError("netstring without a length");
      const length = Number(new TextDecoder().decode(header));
      if (length > this.maxBytes) throw new NetstringError(`netstring of ${length} bytes`);
      const end = colon + 1 + length;
      if (joined.length <= end) break;
      if (joined[end] !== COMMA) throw new NetstringError("netstring without its comma");
      try {
        out.push(this.#decoder.decode(joined.subarray(colon + 1, end)));
      } catch {
        throw new NetstringError("netstring payload is not UTF-8");
      }
      start = end + 1;
    }
    this.#buffer = joined.slice(start);
    return out;
  }

  /** Bytes received but not yet framed. */
  get pending(): number {
    return this.#buffer.length;
  }
}
