import { describe, expect, test } from "bun:test";
import { agentEventSchema } from "../../../shared/events.ts";
import {
  kamailioMicros,
  parseLocationDump,
  parseRegistrationMessage,
  type RegistrationMessage,
  transportOf,
} from "./messages.ts";
import { PresenceTracker } from "./tracker.ts";

const ANN = "care4w-1000001";
const udp = { ruid: "uloc-1-1", transport: "udp" as const };
const ws = { ruid: "uloc-1-2", transport: "ws" as const };
const snapshot = (at: number, contacts: (typeof udp | typeof ws)[]): RegistrationMessage => ({
  kind: "snapshot",
  aor: ANN,
  atMicros: at,
  contacts,
});
const ids = (change: ReturnType<PresenceTracker["apply"]>) => change?.events.map((e) => e.id);

describe("messages from Kamailio", () => {
  test("a register message becomes a snapshot with each contact's transport", () => {
    const message = parseRegistrationMessage(JSON.stringify({
      event: "register",
      aor: ANN,
      at: "1796128858.257230",
      contacts: [
        {
          ruid: "uloc-6b0ec059-26d5-1",
          expires: 1796132458,
          addr: "sip:care4w-1000001@127.0.0.1:30781;transport=UDP",
          received: "",
          socket: "udp:127.0.0.1:27848",
        },
        {
          ruid: "uloc-6b0ec059-26d5-2",
          expires: 1796132458,
          addr: "sip:x@df7jal23ls0d.invalid;transport=ws",
          received: "sip:127.0.0.1:40000;transport=ws",
          socket: "tcp:127.0.0.1:8080",
        },
      ],
    }));
    expect(message).toEqual({
      kind: "snapshot",
      aor: ANN,
      atMicros: 1796128858257230,
      contacts: [
        { ruid: "uloc-6b0ec059-26d5-1", transport: "udp" },
        { ruid: "uloc-6b0ec059-26d5-2", transport: "ws" },
      ],
    });
  });

  test("transports: ws/wss by URI, otherwise the socket's protocol", () => {
    const t = (addr: string, received: string, socket: string) =>
      transportOf({ addr, received, socket });
    expect(t("sip:a@b;transport=wss", "", "tls:127.0.0.1:8443")).toBe("wss");
    expect(t("sip:a@b", "sip:1.2.3.4:5;transport=ws", "tcp:127.0.0.1:8080")).toBe("ws");
    expect(t("sip:a@b;transport=tcp", "", "tcp:127.0.0.1:5060")).toBe("tcp");
    expect(t("sip:a@b", "", "tls:127.0.0.1:5061")).toBe("tls");
    expect(t("sip:a@b", "", "sctp:127.0.0.1:5060")).toBe("other");
  });

  test("anything else is dropped", () => {
    for (
      const text of [
        "",
        "nope",
        "{}",
        '{"event":"register","aor":"alice","at":"1.2","contacts":[]}',
        '{"event":"expired","aor":"care4w-1000001","at":"x","ruid":"r"}',
      ]
    ) {
      expect(parseRegistrationMessage(text)).toBeNull();
    }
    expect(kamailioMicros("12.5")).toBe(12_500_000);
  });

  test("ul.dump: CareFlow AORs with their live contacts", () => {
    const contact = (ruid: string, expires: number | string, socket = "udp:127.0.0.1:5060") => ({
      Contact: {
        Address: "sip:a@127.0.0.1:1",
        Received: "[not set]",
        Socket: socket,
        Ruid: ruid,
        Expires: expires,
      },
    });
    const dump = parseLocationDump({
      Domains: [{
        Domain: {
          Domain: "location",
          AoRs: [
            { Info: { AoR: ANN, Contacts: [contact("r1", 300), contact("r2", "expired")] } },
            { Info: { AoR: "care4w-1000002", Contacts: [contact("r3", "deleted")] } },
            { Info: { AoR: "pinger", Contacts: [contact("r4", 300)] } },
          ],
        },
      }],
    });
    expect([...dump]).toEqual([[ANN, [{ ruid: "r1", transport: "udp" }]]]);
    expect(() => parseLocationDump({ nope: 1 })).toThrow();
  });
});

describe("the tracker", () => {
  test("first device online, second device only a registration, last one gone offline", () => {
    const tracker = new PresenceTracker();
    expect(ids(tracker.apply(snapshot(1, [udp])))).toEqual([
      "reg-uloc-1-1-on",
      `pres-${ANN}-on-uloc-1-1`,
    ]);
    expect(ids(tracker.apply(snapshot(2, [udp, ws])))).toEqual(["reg-uloc-1-2-on"]);
    // A refresh: nothing to tell.
    expect(ids(tracker.apply(snapshot(3, [udp, ws])))).toEqual([]);
    expect(tracker.byTransport()).toMatchObject({ udp: 1, ws: 1, tcp: 0 });
    expect(ids(tracker.apply({ kind: "expired", aor: ANN, atMicros: 4, ruid: ws.ruid }))).toEqual([
      "reg-uloc-1-2-off",
    ]);
    const gone = tracker.apply(snapshot(5, []));
    expect(ids(gone)).toEqual(["reg-uloc-1-1-off", `pres-${ANN}-off-uloc-1-1`]);
    expect(gone?.events.map((e) => [e.type, "state" in e ? e.state : undefined])).toEqual([
      ["registration", "unregistered"],
      ["presence", "offline"],
    ]);
    for (const e of gone!.events) expect(agentEventSchema.safeParse(e).success).toBe(true);
    expect(tracker.online(ANN)).toBe(false);
  });

  test("a snapshot older than what is known is stale; an expiry always applies", () => {
    const tracker = new PresenceTracker();
    tracker.apply(snapshot(10, [udp, ws]));
    expect(tracker.apply(snapshot(9, [udp]))).toBeNull();
    expect(ids(tracker.apply({ kind: "expired", aor: ANN, atMicros: 5, ruid: udp.ruid }))).toEqual([
      "reg-uloc-1-1-off",
    ]);
    expect(tracker.apply({ kind: "expired", aor: ANN, atMicros: 6, ruid: udp.ruid })).toBeNull();
  });

  test("a dump reconciles: gone AORs offline, new ones online, older messages stale after it", () => {
    const bob = "care4w-1000002";
    const tracker = new PresenceTracker({
      watermark: 0,
      aors: new Map([[ANN, { atMicros: 1, contacts: [udp] }]]),
    });
    const changes = tracker.reconcile(new Map([[bob, [ws]]]), 100);
    expect(changes.map((c) => [c.aor, c.events.map((e) => e.id), c.state])).toEqual([
      [ANN, ["reg-uloc-1-1-off", `pres-${ANN}-off-uloc-1-1`], null],
      [bob, ["reg-uloc-1-2-on", `pres-${bob}-on-uloc-1-2`], { atMicros: 100, contacts: [ws] }],
    ]);
    expect(tracker.apply(snapshot(50, [udp]))).toBeNull();
    // The same dump again: nothing changes, nothing is reported.
    expect(tracker.reconcile(new Map([[bob, [ws]]]), 200)).toEqual([]);
  });

  test("replaying a change after a restart gives the same event ids", () => {
    const first = new PresenceTracker();
    const a = first.apply(snapshot(1, [udp]))!.events.map((e) => e.id);
    const again = new PresenceTracker();
    const b = again.reconcile(new Map([[ANN, [udp]]]), 7)[0].events.map((e) => e.id);
    expect(b).toEqual(a);
  });
});
