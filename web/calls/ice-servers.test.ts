import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { iceServersFor } from "./ice-servers.ts";

Deno.test("TURN credentials follow the coturn REST convention and expire", () => {
  const servers = iceServersFor(
    {
      stunUrls: ["stun:stun.example.org:3478"],
      turn: { urls: ["turn:turn.example.org:3478"], secret: "0123456789abcdef", ttlSeconds: 600 },
    },
    "care4w-1000001",
    1_800_000_000,
  );
  assert.deepEqual(servers[0], { urls: ["stun:stun.example.org:3478"] });
  assert.equal(servers[1].username, "1800000600:care4w-1000001");
  const expected = createHmac("sha1", "0123456789abcdef").update("1800000600:care4w-1000001")
    .digest("base64");
  assert.equal(servers[1].credential, expected);
});

Deno.test("no STUN or TURN configured means no ICE servers (loopback and LAN still work)", () => {
  assert.deepEqual(iceServersFor({ stunUrls: [], turn: undefined }, "care4w-1000001"), []);
});
