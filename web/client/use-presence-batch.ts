/**
 * Presence for a batch of CareFlow IDs (a page of the call history): one request for them all
 * (`GET /api/users/presence`, web/routes/api/people.ts), asked again every `REFRESH_MS` while the
 * page is visible and at once when it becomes visible again, so a word on screen is never much
 * older than what a colleague sees on People. Users who hide their presence are simply absent.
 */
import { useEffect, useState } from "preact/hooks";
import type { Presence } from "../../shared/presence.ts";

/** How often presence is asked again while the page is visible. */
export const REFRESH_MS = 30_000;

/** Presence words by CareFlow ID. */
export type PresenceWords = Readonly<Record<string, Presence>>;

const NONE: PresenceWords = {};

/**
 * The presence of `ids` (duplicates are asked for once), by CareFlow ID; empty until the first
 * answer. A failed request shows nothing rather than an old word that may no longer be true.
 */
export function usePresenceBatch(ids: readonly string[]): PresenceWords {
  // The key, not the array, decides when to ask: a new page with the same people asks nothing.
  const key = [...new Set(ids)].sort().join(",");
  const [words, setWords] = useState<PresenceWords>(NONE);
  useEffect(() => {
    if (!key) return void setWords(NONE);
    let controller: AbortController | undefined;
    const ask = () => {
      if (document.visibilityState !== "visible") return;
      controller?.abort();
      const current = controller = new AbortController();
      fetch(`/api/users/presence?${new URLSearchParams({ ids: key })}`, { signal: current.signal })
        .then(async (response) => {
          if (!response.ok) throw new Error(`presence: ${response.status}`);
          setWords((await response.json()).presence ?? NONE);
        })
        .catch(() => {
          if (!current.signal.aborted) setWords(NONE);
        });
    };
    ask();
    const timer = setInterval(ask, REFRESH_MS);
    document.addEventListener("visibilitychange", ask);
    return () => {
      clearInterval(timer);
      document.removeEventListener("visibilitychange", ask);
      controller?.abort();
    };
  }, [key]);
  return words;
}
