/**
 * A bare receiver of signed event batches in its own Bun process (the agent's test receiver:
 * signature checked, each event answered, nothing stored): the outbox's own ceiling, with web's
 * work taken out. Prints `{"ready":true,"url":…}` once listening.
 *
 *   bun run bench/outbox/bare-receiver.ts <secret>
 */
import { startReceiver } from "../../agent/src/outbox/testing/receiver.ts";

const receiver = startReceiver(process.argv[2] ?? "");
console.log(JSON.stringify({ ready: true, url: receiver.url }));
