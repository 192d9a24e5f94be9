/**
 * Kamailio's own figures on the agent's `/metrics`, read over its JSON-RPC (`stats.get_statistics
 * all`) when Prometheus scrapes: SIP requests received (all, and INVITEs: calls per second is their
 * rate), registrations accepted and rejected, digest challenges and refusals sent statelessly
 * (401, 403), 4xx and 5xx replies, registered users, failed authentications per source and per
 * account with the bans and locks they caused, calls in progress,
 * and whether Kamailio answered at all. Kamailio's counters only grow, so they are exposed as
 * counters; a reading that fails shows them at 0 (as a Kamailio restart does) with
 * `careflow_kamailio_up` 0, never the last figures as if they were current.
 */
import { rpcCall, type RpcTarget } from "./json-rpc.ts";
import type { Registry } from "../metrics/registry.ts";

/** Kamailio's statistic → our series (counters unless marked as a gauge). */
const SERIES: Record<string, { name: string; help: string; gauge?: boolean }> = {
  "core:rcv_requests": {
    name: "careflow_kamailio_requests_received_total",
    help: "SIP requests Kamailio received.",
  },
  "core:rcv_requests_invite": {
    name: "careflow_kamailio_invites_received_total",
    help: "SIP INVITEs Kamailio received (calls per second is their rate).",
  },
  "core:rcv_requests_register": {
    name: "careflow_kamailio_registers_received_total",
    help: "SIP REGISTERs Kamailio received.",
  },
  "registrar:accepted_regs": {
    name: "careflow_kamailio_registrations_accepted_total",
    help: "REGISTERs the registrar accepted.",
  },
  "registrar:rejected_regs": {
    name: "careflow_kamailio_registrations_rejected_total",
    help: "REGISTERs the registrar rejected.",
  },
  "sl:401_replies": {
    name: "careflow_kamailio_challenges_401_total",
    help: "401 digest challenges sent statelessly (each REGISTER is challenged once).",
  },
  "sl:403_replies": {
    name: "careflow_kamailio_refusals_403_total",
    help: "403 Forbidden sent statelessly (identity or source refused).",
  },
  "sl:4xx_replies": {
    name: "careflow_kamailio_replies_4xx_total",
    help: "4xx replies sent statelessly.",
  },
  "sl:5xx_replies": {
    name: "careflow_kamailio_replies_5xx_total",
    help: "5xx replies sent statelessly.",
  },
  // pbx/kamailio/auth.cfg's own counters (counters module, group "script").
  "script:auth_failures_source": {
    name: "careflow_kamailio_auth_failures_by_source_total",
    help: "Failed digest authentications counted against the source address.",
  },
  "script:auth_failures_user": {
    name: "careflow_kamailio_auth_failures_by_user_total",
    help: "Failed digest authentications counted against the account they named.",
  },
  "script:bans_source": {
    name: "careflow_kamailio_source_bans_total",
    help: "Source addresses banned for failed authentications.",
  },
  "script:locks_user": {
    name: "careflow_kamailio_account_locks_total",
    help: "Accounts locked against unknown sources for failed authentications.",
  },
  "dialog:active_dialogs": {
    name: "careflow_kamailio_active_calls",
    help: "Calls (dialogs) Kamailio tracks now (limits.cfg).",
    gauge: true,
  },
  "usrloc:registered_users": {
    name: "careflow_kamailio_registered_users",
    help: "Users with at least one registered contact.",
    gauge: true,
  },
};

/** Reads `stats.get_statistics all`: `group:name = value` strings. */
export async function readKamailioStats(rpc: RpcTarget): Promise<Map<string, number>> {
  const reply = { result: await rpcCall(rpc, "stats.get_statistics", ["all"]) };
  if (!Array.isArray(reply.result)) throw new Error("no statistics in Kamailio's answer");
  const stats = new Map<string, number>();
  for (const line of reply.result) {
    const match = typeof line === "string" ? /^([\w.-]+:[\w.-]+) = (\d+)$/.exec(line) : null;
    if (match) stats.set(match[1], Number(match[2]));
  }
  return stats;
}

/** Registers Kamailio's series in `registry`, read from `rpc` at each scrape. */
export function registerKamailioStats(registry: Registry, rpc: RpcTarget): void {
  let latest: Promise<Map<string, number> | null> | null = null;
  // One read per scrape, shared by every series: the first collector starts it.
  const read = () => {
    latest ??= readKamailioStats(rpc).catch(() => null).finally(() => {
      setTimeout(() => (latest = null), 0);
    });
    return latest;
  };
  const valueOf = async (key: string) => (await read())?.get(key);
  registry.gaugeCollected(
    "careflow_kamailio_up",
    "1 when Kamailio answered its statistics.",
    async function () {
      this.set((await read()) ? 1 : 0);
    },
  );
  for (const [key, { name, help, gauge }] of Object.entries(SERIES)) {
    if (gauge) {
      registry.gaugeCollected(name, help, async function () {
        this.set((await valueOf(key)) ?? 0);
      });
    } else {
      registry.counterCollected(name, help, async function () {
        const value = await valueOf(key);
        this.reset();
        if (value) this.inc(value);
      });
    }
  }
}
