/** Byte-level stream helpers: a write limit counted as bytes pass, and a slice of a read. */
import { StorageLimitError } from "./types.ts";

/** A body as a write consumes it: counted, held to its limit, and why it stopped if it failed. */
export interface CountedBody {
  stream: ReadableStream<Uint8Array>;
  /** Bytes let through so far. */
  bytes(): number;
  /**
   * The limit's `StorageLimitError` or the source's own error, once either happened. A write
   * reports this rather than whatever its clean-up ran into (S3 may fail to abort an upload).
   */
  failure(): unknown;
}

/**
 * Reads `body` through a count that refuses more than `maxBytes`: the chunk that goes over is not
 * passed on, the stream errors with `StorageLimitError` and the source is cancelled, so the sender
 * stops too. Cancelling the result cancels the source.
 */
export function countedBody(body: ReadableStream<Uint8Array>, maxBytes: number): CountedBody {
  const reader = body.getReader();
  let bytes = 0;
  let failure: unknown;
  const refuse = async (error: Error) => {
    failure = error;
    await reader.cancel(error).catch(() => {});
    throw error;
  };
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let result;
      try {
        result = await reader.read();
      } catch (error) {
        failure = error;
        throw error;
      }
      if (result.done) return controller.close();
      const chunk = result.value;
      if (!(chunk instanceof Uint8Array)) {
        return await refuse(new TypeError("a storage body must stream Uint8Array chunks"));
      }
      if (bytes + chunk.byteLength > maxBytes) return await refuse(new StorageLimitError(maxBytes));
      bytes += chunk.byteLength;
      controller.enqueue(chunk);
    },
    cancel: (reason) => reader.cancel(reason),
  }, { highWaterMark: 0 });
  return { stream, bytes: () => bytes, failure: () => failure };
}

/**
 * Bytes `skip` to `skip + take - 1` of a stream; the source is cancelled once they are through.
 * For servers that answer a Range request with more than was asked (HTTP lets a server ignore
 * Range; s3rver reads `bytes=0-0` as the whole object).
 */
export function sliceBytes(skip: number, take: number): TransformStream<Uint8Array, Uint8Array> {
  let position = 0;
  const end = skip + take;
  return new TransformStream<Uint8Array, Uint8Array>({
    start(controller) {
      if (take === 0) controller.terminate();
    },
    transform(chunk, controller) {
      const from = Math.max(skip - position, 0);
      const to = Math.min(end - position, chunk.byteLength);
      position += chunk.byteLength;
      if (to > from) controller.enqueue(chunk.subarray(from, to));
      if (position >= end) controller.terminate();
    },
  });
}
