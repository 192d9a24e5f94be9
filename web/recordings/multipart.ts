/**
 * Reads a `multipart/form-data` upload as a stream (busboy): the text fields that come before the
 * `file` part, then the file itself as a byte stream that is never held in memory. Browsers send
 * a FormData's entries in the order they were appended, so clients append the fields first.
 */
// @ts-types="@types/busboy"
import busboy from "busboy";
import { Readable } from "node:stream";
import { problem } from "../../shared/http/problem.ts";

/** The fields and the file of an upload. */
export interface Upload {
  fields: Record<string, string>;
  file: ReadableStream<Uint8Array>;
}

/** Starts reading `request`; resolves once the `file` part begins. */
export function readUpload(request: Request, maxFileBytes: number): Promise<Upload> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\s*;/i.test(type) || !request.body) {
    return Promise.reject(problem(415, "Send the upload as multipart/form-data with a file part."));
  }
  let parser: ReturnType<typeof busboy>;
  try {
    parser = busboy({
      headers: { "content-type": type },
      // One byte over the limit lets storage see the overflow and refuse it cleanly.
      limits: { files: 1, fields: 10, fieldSize: 1024, fileSize: maxFileBytes + 1, parts: 12 },
    });
  } catch {
    return Promise.reject(problem(400, "The multipart body has no usable boundary."));
  }
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {};
    parser.on("field", (name, value) => (fields[name] = value));
    parser.on("file", (name, file) => {
      if (name !== "file") return void file.resume();
      resolve({ fields: { ...fields }, file: Readable.toWeb(file) as ReadableStream<Uint8Array> });
    });
    parser.on("error", () => reject(problem(400, "The multipart body is malformed.")));
    // Resolved already when a file came; otherwise there was none.
    parser.on("close", () => reject(problem(400, "The upload has no `file` part.")));
    Readable.fromWeb(request.body as import("node:stream/web").ReadableStream).pipe(parser);
  });
}
