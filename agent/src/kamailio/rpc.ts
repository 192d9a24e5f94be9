/**
 * Kamailio JSON-RPC used to make provisioning changes take effect at once: drop a cached HA1 from
 * htable `authcache` (keyed by the auth username, which for long-lived credentials is the
 * CareFlow ID), remove registrations from usrloc table `location` (use_domain=0, so the AOR is
 * the plain ID), and end the calls a user is on (dialog profiles `caller` and `callee`,
 * pbx/kamailio/limits.cfg). Failures are logged and counted, never thrown: provisioning must
 * still succeed when Kamailio is down (it then has an empty cache and no calls anyway).
 */
import type { WarnLogger } from "../log.ts";
import type { AgentMetrics } from "../metrics/agent-metrics.ts";
import { rpcCall, RpcError, type RpcTarget } from "./json-rpc.ts";

/** What to invalidate for one subscriber. */
export interface Invalidation {
  /** Drop the cached HA1 from Kamailio's htable. */
  dropCachedHa1: boolean;
  /** Remove every registration of the user. */
  removeRegistrations: boolean;
  /** End every call the user is on, as caller or callee (a deactivation). */
  endCalls?: boolean;
}

/** Sends invalidations; resolves when Kamailio answered or the attempt failed. */
export type KamailioInvalidator = (care4wId: string, what: Invalidation) => Promise<void>;

/** One dialog as `dlg.profile_list` lists it: its handle in Kamailio's dialog table. */
type DialogHandle = { h_entry: number; h_id: number };

/** A call with one retry on a network error (a keep-alive socket Kamailio closed meanwhile). */
async function withRetry<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof RpcError || (error as Error).name === "TimeoutError") throw error;
    return await work();
  }
}

/** Null when done (Kamailio answers 404 when the key or AOR is not there: already gone). */
async function attempt(work: () => Promise<unknown>): Promise<string | null> {
  try {
    await withRetry(work);
    return null;
  } catch (error) {
    if (error instanceof RpcError && error.code === 404) return null;
    return error instanceof RpcError
      ? error.message
      : (error as Error).message || (error as Error).name;
  }
}

/**
 * How long one `dlg.end_dlg` may take: Kamailio answers once both BYEs are out, and each waits
 * for RTPEngine to release the call's media (limits.cfg), so a busy RTPEngine makes it seconds.
 */
const END_DIALOG_TIMEOUT_MS = 8_000;

/**
 * Ends every dialog of `profile` = `care4wId` on one node (BYE to both sides). One dialog that
 * fails to end (or answers late) does not stop the others; the first failure is thrown after.
 */
async function endDialogs(node: RpcTarget, profile: string, care4wId: string) {
  const listed = await withRetry(() => rpcCall(node, "dlg.profile_list", [profile, care4wId]));
  const dialogs = Array.isArray(listed) ? listed as DialogHandle[] : [];
  let failure: unknown = null;
  for (const dialog of dialogs) {
    if (!Number.isInteger(dialog?.h_entry) || !Number.isInteger(dialog?.h_id)) continue;
    await rpcCall(node, "dlg.end_dlg", [dialog.h_entry, dialog.h_id], END_DIALOG_TIMEOUT_MS)
      .catch((error) => {
        // A dialog that ended meanwhile is what we wanted.
        if (!(error instanceof RpcError)) failure ??= error;
      });
  }
  if (failure) throw failure;
}

/**
 * Creates the invalidator over Kamailio's RPC at `url` (the node whose registrations are the
 * domain's) and `peers` (other nodes, each with a cache and calls of its own). With no URL it does
 * nothing (Kamailio not configured), so callers need no special case.
 */
export function createKamailioInvalidator(
  url: string | null,
  metrics: AgentMetrics,
  warn: WarnLogger = console.warn,
  peers: string[] = [],
  secret: string | null = null,
): KamailioInvalidator {
  return async (care4wId, what) => {
    if (!url) return;
    const nodes = [url, ...peers].map((node) => ({ url: node, secret }));
    const steps: Array<[string, () => Promise<unknown>]> = [];
    if (what.dropCachedHa1) {
      for (const node of nodes) {
        steps.push([
          "htable.delete",
          () => rpcCall(node, "htable.delete", ["authcache", care4wId]),
        ]);
      }
    }
    if (what.removeRegistrations) {
      steps.push(["ul.rm", () => rpcCall(nodes[0], "ul.rm", ["location", care4wId])]);
    }
    if (what.endCalls) {
      for (const node of nodes) {
        for (const profile of ["caller", "callee"]) {
          steps.push(["dlg.end_dlg", () => endDialogs(node, profile, care4wId)]);
        }
      }
    }
    for (const [method, work] of steps) {
      const failure = await attempt(work);
      if (failure) {
        metrics.kamailioRpcFailures.inc({ method });
        warn(`careflow-agent: warning: kamailio ${method} for ${care4wId} failed: ${failure}`);
      }
    }
  };
}
