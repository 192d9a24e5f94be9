/**
 * Long-lived SIP phone passwords: created or rotated by the user, kept encrypted at rest (only
 * this service can read them back), and known to the agent only as HA1 =
 * md5(care4wId:realm:password). Every change is pushed to the agent.
 */
import { digestHa1 } from "../../shared/sip-credentials.ts";
import type { SubscriberRecord } from "../../shared/agent-contract.ts";
import type { SipPhoneCredentials, SipPhoneSettings } from "../../shared/api.ts";
import { settingsOfUser, type User } from "../store/mod.ts";
import type { SecretBox } from "./secret-box.ts";
import type { AgentClient } from "./agent-client.ts";
import { callProfile, subscriberRecord, type SubscriberSource } from "./agent-outbox.ts";

export interface PhoneCredentialService {
  /** Creates or replaces the user's password; the old one stops working once the agent has it. */
  rotate(user: User): Promise<SipPhoneCredentials & { delivered: boolean }>;
  /** What the settings page shows: never the password. */
  settings(user: User): Promise<Omit<SipPhoneSettings, "phone">>;
  /** The stored password (for support tooling and tests); null when the user has none. */
  reveal(user: User): Promise<string | null>;
  /** The agent's view of a subscriber (its cache-miss answer); null for an unknown ID. */
  subscriber(care4wId: string): Promise<SubscriberRecord | null>;
}

export interface PhoneCredentialDeps {
  store: SubscriberSource;
  box: SecretBox;
  agent: AgentClient;
  domain: string;
  proxy: string;
  now?: () => Date;
}

/** Long enough for 160 bits of entropy, and only letters and digits so any phone can take it. */
const PASSWORD_LENGTH = 28;
const ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

/** A random password from `ALPHABET`, without modulo bias (rejection sampling). */
export function randomSipPassword(length = PASSWORD_LENGTH): string {
  const limit = 256 - (256 % ALPHABET.length);
  let out = "";
  while (out.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (byte < limit && out.length < length) out += ALPHABET[byte % ALPHABET.length];
    }
  }
  return out;
}

/** Builds the service. */
export function createPhoneCredentialService(deps: PhoneCredentialDeps): PhoneCredentialService {
  const now = deps.now ?? (() => new Date());
  return {
    async rotate(user) {
      const password = randomSipPassword();
      const ha1 = digestHa1(user.care4wId, deps.domain, password);
      await deps.store.saveSipCredential({
        userId: user.id,
        encryptedPassword: await deps.box.seal(password, user.id),
        ha1,
        rotatedAt: now(),
      });
      // The whole state (the agent replaces its entry): name, recording and privacy settings too.
      const settings = await settingsOfUser(deps.store, user.id);
      const delivered = await deps.agent.push(user.care4wId, {
        kind: "upsert",
        body: callProfile(user, ha1, settings),
      });
      return {
        username: user.care4wId,
        password,
        domain: deps.domain,
        proxy: deps.proxy,
        delivered,
      };
    },
    async settings(user) {
      const stored = await deps.store.getSipCredential(user.id);
      return {
        username: user.care4wId,
        domain: deps.domain,
        proxy: deps.proxy,
        hasPassword: stored !== null,
        rotatedAt: stored ? stored.rotatedAt.toISOString() : null,
      };
    },
    async reveal(user) {
      const stored = await deps.store.getSipCredential(user.id);
      return stored ? await deps.box.open(stored.encryptedPassword, user.id) : null;
    },
    subscriber: (care4wId) => subscriberRecord(deps.store, care4wId),
  };
}
