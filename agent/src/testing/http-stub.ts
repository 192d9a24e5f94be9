/**
 * Test helper: a real local HTTP server (Bun.serve on 127.0.0.1, a port the system picks) that
 * records the requests it gets and answers with a handler the test controls. Stands in for web's
 * `/internal/subscribers` and for Kamailio's JSON-RPC endpoint.
 */

/** One request as the stub saw it. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: Headers;
  body: string;
}

/** A running stub. */
export interface HttpStub {
  url: string;
  requests: RecordedRequest[];
  /** Replaces the answering function. */
  respond(handler: (request: RecordedRequest) => Response | Promise<Response>): void;
  stop(): Promise<void>;
}

/** Starts a stub that answers 404 until told otherwise. */
export function startHttpStub(): HttpStub {
  const requests: RecordedRequest[] = [];
  let handler = (_: RecordedRequest): Response | Promise<Response> =>
    new Response("not found", { status: 404 });
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const url = new URL(request.url);
      const recorded: RecordedRequest = {
        method: request.method,
        path: url.pathname + url.search,
        headers: request.headers,
        body: await request.text(),
      };
      requests.push(recorded);
      return await handler(recorded);
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    requests,
    respond(next) {
      handler = next;
    },
    async stop() {
      await server.stop(true);
    },
  };
}
