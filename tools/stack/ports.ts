/** Free ports for a whole local stack, so test stacks never collide with each other or a dev stack. */
import { freePort, freePortRange } from "../../testing/ports.ts";
import type { StackPorts } from "./stack.ts";

/** How many media ports a test stack gets (two per call leg, a handful of calls at once). */
const RTP_PORTS = 60;

/** A free port for every component, and a free media range for RTPEngine. */
export async function freeStackPorts(options: { web?: boolean } = {}): Promise<StackPorts> {
  const rtpMin = await freePortRange(RTP_PORTS);
  return {
    sip: await freePort(),
    ws: await freePort(),
    rpc: await freePort(),
    redis: await freePort(),
    agent: await freePort(),
    rtpengineNg: await freePort(),
    evapi: await freePort(),
    rtpMin,
    rtpMax: rtpMin + RTP_PORTS - 1,
    ...(options.web ? { web: await freePort() } : {}),
  };
}
