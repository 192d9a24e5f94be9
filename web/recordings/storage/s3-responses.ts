/**
 * Reading what S3-compatible services answer: their errors, and range reads held to exactly the
 * bytes asked for whatever the server sent (HTTP lets a server ignore Range and send it all).
 */
import type { GetObjectCommandOutput } from "@aws-sdk/client-s3";
import { resolveRange } from "./keys.ts";
import { sliceBytes } from "./streams.ts";
import type { ByteRange, StoredAudio } from "./types.ts";

/** The SDK's error name and HTTP status. */
export function failure(error: unknown): { name: string; status: number | undefined } {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return { name: e?.name ?? "", status: e?.$metadata?.httpStatusCode };
}

/** True when the error says there is no such object. */
export function isMissing(error: unknown): boolean {
  const { name, status } = failure(error);
  return name === "NoSuchKey" || name === "NotFound" || status === 404;
}

/** True when the error says the range cannot be satisfied (416). */
export function isUnsatisfiable(error: unknown): boolean {
  const { name, status } = failure(error);
  return name === "InvalidRange" || status === 416;
}

/** The type S3 reports, or the generic one for an object stored without. */
export const contentTypeOf = (out: { ContentType?: string }) =>
  out.ContentType ?? "application/octet-stream";

/**
 * The answer to a range read as `StoredAudio`: the whole size from `Content-Range` (or, when the
 * server ignored the range, from the length of the whole body), the body trimmed to the range.
 * An empty object satisfies no range, whatever the server made of it.
 */
export async function rangedAudio(
  out: GetObjectCommandOutput,
  range: ByteRange,
): Promise<StoredAudio> {
  const body = out.Body!.transformToWebStream() as ReadableStream<Uint8Array>;
  const served = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(out.ContentRange ?? "");
  const first = served ? Number(served[1]) : 0;
  const size = served ? Number(served[3]) : out.ContentLength ?? 0;
  const sent = out.ContentLength ?? (served ? Number(served[2]) - first + 1 : size);
  let span;
  try {
    span = resolveRange(range, size);
    if (first > span.start) throw new Error(`S3 answered from byte ${first}, not ${span.start}`);
  } catch (error) {
    await body.cancel();
    throw error;
  }
  const skip = span.start - first;
  const take = span.end - span.start + 1;
  const exact = skip === 0 && sent === take;
  return {
    body: exact ? body : body.pipeThrough(sliceBytes(skip, take)),
    size,
    contentType: contentTypeOf(out),
  };
}
