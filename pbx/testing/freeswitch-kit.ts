/**
 * What the WITH_FREESWITCH tests (pbx/kamailio/freeswitch.test.ts) share: the users and numbers
 * they call, SIPp runs against a Kamailio, and checks on what a stand-in received.
 */
import assert from "node:assert/strict";
import { freePort } from "../../testing/ports.ts";
import type { Stack } from "../../tools/stack/stack.ts";
import { describe, sipp, type SippCall, type SippResult, sippServer } from "./kit.ts";
import {
  headerValues,
  receivedMessages,
  receivedRequests,
  type TracedMessage,
} from "./sip-trace.ts";

export const DOMAIN = "careflow.test";
export const ALICE = "care4w-1000001";
export const BOB = "care4w-1000002";
export const CAROL = "care4w-1000003";
export const NUMBER = "+442071234567";
export const ORG_NUMBER = "+442070000000";
export const BOB_NUMBER = "+4930123456789";
/** What invite-486-forged.xml puts in forged headers; none of it may reach a gateway. */
export const FORGED = /forged\.invalid|care4w-1000777|\+15550000000|: 999\b|Device Name/;

/** A caller line for the kit's SIPp runs (password = the user's ID, reversed). */
export function caller(user: string, dialled: string): SippCall {
  return { user, authUser: user, password: password(user), extra: [dialled] };
}
export const password = (user: string) => [...user].reverse().join("");

/** A SIPp client run against a Kamailio's SIP port. */
export function runAgainst(stack: Stack, sipPort: number) {
  return (
    scenario: string,
    calls: SippCall[],
    opts: { localIp?: string; localPort?: number } = {},
  ) =>
    sipp({
      scenario,
      target: `127.0.0.1:${sipPort}`,
      calls,
      domain: DOMAIN,
      workDir: stack.workDir,
      traceMessages: true,
      ...opts,
    });
}

/**
 * A stand-in on `localPort` (the FreeSWITCH node, a trunk, a phone) that answers one INVITE with
 * 486 and keeps the messages it saw (uas-486-identity.xml).
 */
export function identityStandIn(stack: Stack, localPort: number) {
  return sippServer({
    scenario: "uas-486-identity.xml",
    localPort,
    workDir: stack.workDir,
    traceMessages: true,
  });
}

/**
 * `from`'s invite-486-forged.xml call through `run` (it must pass), against an identity stand-in
 * on `port`: the call's and the stand-in's results, and the one INVITE the stand-in received.
 */
export async function forgedCallTo(
  stack: Stack,
  run: ReturnType<typeof runAgainst>,
  port: number,
  from: SippCall,
) {
  await using standIn = await identityStandIn(stack, port);
  const call = await run("invite-486-forged.xml", [from]);
  assert.equal(call.code, 0, describe(call));
  const reached = await standIn.done;
  return { call, reached, invite: onlyInvite(reached) };
}

/** The one INVITE a stand-in received. */
export function onlyInvite(result: SippResult): TracedMessage {
  const invites = receivedRequests(result.messages, "INVITE");
  assert.equal(invites.length, 1, `expected one INVITE:\n${result.messages.slice(0, 3000)}`);
  return invites[0];
}

/** Asserts the one value of `name` (or that there is none, for null). */
export function assertHeader(invite: TracedMessage, name: string, value: string | null) {
  assert.deepEqual(headerValues(invite, name), value === null ? [] : [value], invite.text);
}

/** How long the caller of an invite-503.xml run waited for the 503, in ms. */
export function waited(result: SippResult): number {
  const tick = (word: string) => Number(new RegExp(`^${word} (\\d+)$`, "m").exec(result.logs)?.[1]);
  const ms = tick("ANSWERED") - tick("SENT");
  assert.ok(Number.isFinite(ms), `no timing in:\n${describe(result)}`);
  return ms;
}

/**
 * Ports of one more Kamailio beside the stack's, on its agent and RTPEngine (no media range of
 * its own: free consecutive ranges are scarce when many tests run).
 */
export async function kamailioPorts(stack: Stack) {
  const { agent, rtpengineNg } = stack.ports;
  return {
    sip: await freePort(),
    ws: await freePort(),
    rpc: await freePort(),
    evapi: await freePort(),
    agent,
    rtpengineNg,
  };
}

/** The last received response whose start line begins with `start`. */
export function receivedMessagesOf(result: SippResult, start: string): TracedMessage {
  const found = receivedMessages(result.messages).filter((m) => m.startLine.startsWith(start));
  assert.ok(found.length > 0, result.messages.slice(0, 3000));
  return found.at(-1)!;
}
