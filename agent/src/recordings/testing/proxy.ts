/**
 * A real HTTP server in front of another (web, or the local S3) that forwards every request,
 * streaming, unless a rule answers it first: fail the first N uploads, hold requests until
 * released, or just note what was asked (headers included). Failures and holds happen on the
 * wire, so the code under test meets them exactly as it would meet a failing server.
 */

/** One request the proxy saw. */
export interface SeenRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** The status answered (the target's, or the rule's). */
  status: number;
}

/** A rule: answer `request` itself (a Response), or null to forward it. */
export type ProxyRule = (
  request: Request,
  path: string,
) => Response | null | Promise<Response | null>;

/** A running proxy. */
export interface TestProxy {
  url: string;
  seen: SeenRequest[];
  /** Replaces the rule (null: forward everything). */
  setRule(rule: ProxyRule | null): void;
  stop(): void;
}

/** Starts a proxy to `target` on a free loopback port. */
export function startProxy(target: string, rule: ProxyRule | null = null): TestProxy {
  const seen: SeenRequest[] = [];
  let current = rule;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 120,
    async fetch(request) {
      const url = new URL(request.url);
      const path = url.pathname + url.search;
      const headers = Object.fromEntries(request.headers.entries());
      const note = (status: number) => seen.push({ method: request.method, path, headers, status });
      const answer = current ? await current(request, path) : null;
      if (answer) {
        await request.body?.cancel().catch(() => {});
        note(answer.status);
        return answer;
      }
      const forwarded = new Headers(request.headers);
      forwarded.delete("host");
      const response = await fetch(`${target}${path}`, {
        method: request.method,
        headers: forwarded,
        body: request.body,
        redirect: "manual",
      });
      note(response.status);
      return response;
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    seen,
    setRule: (next) => (current = next),
    stop: () => server.stop(true),
  };
}

/** A rule failing the first `count` requests matching `match` with 503, then forwarding. */
export function failFirst(count: number, match: (method: string, path: string) => boolean) {
  let failed = 0;
  const rule: ProxyRule & { failed: () => number } = (request, path) => {
    if (failed >= count || !match(request.method, path)) return null;
    failed++;
    return new Response("injected failure", { status: 503 });
  };
  rule.failed = () => failed;
  return rule;
}

/** A rule holding matching requests (unanswered) until `release()`. */
export function holdWhile(match: (method: string, path: string) => boolean) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let held = 0;
  const rule: ProxyRule = async (request, path) => {
    if (!match(request.method, path)) return null;
    held++;
    await released;
    return null;
  };
  return { rule, release, held: () => held };
}
