/**
 * Test helper: a real local HTTP server (Bun.serve on 127.0.0.1, port 7100-7199) that records the
 * requests it gets and answers with a handler the test controls. Stands in for web's
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

/** Starts a stub on the first free port from `firstPort` (7100-7199). */
export function startHttpStub(firstPort = 7100): HttpStub {
  const requests: RecordedRequest[] = [];
  let handler = (_: RecordedRequest): Response | Promise<Response> =>
    new Response("not found", { status: 404 });
  for (let port = firstPort; port <= 7199; port++) {
    let server: ReturnType<typeof Bun.serve>;
    try {
      server = Bun.serve({
        hostname: "127.0.0.1",
        port,
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
    } catch {
      continue; // port taken: try the next one
    }
    return {
      url: `http://127.0.0.1:${port}`,
      requests,
      respond(next) {
        handler = next;
      },
      async stop() {
        await server.stop(true);
      },
    };
  }
  throw new Error("no free port in 7100-7199");
}
