/**
 * Every store contract, run together against one implementation of the whole store: each suite
 * checks one interface, on a fresh store per check.
 */
import type { Implementation } from "../../testing/contract.ts";
import type { Store } from "../mod.ts";
import { accessTrailStoreContract } from "./access-trail.ts";
import { analyticsStoreContract } from "./analytics.ts";
import { agentOutboxStoreContract } from "./agent-outbox.ts";
import { callStoreContract } from "./calls.ts";
import { ingestStoreContract } from "./ingest.ts";
import { invitationStoreContract } from "./invitations.ts";
import { passwordResetStoreContract } from "./password-resets.ts";
import { phonePresenceStoreContract } from "./phone-presence.ts";
import { recordingStoreContract } from "./recordings.ts";
import { recordingUpkeepContract } from "./recordings-upkeep.ts";
import { loginFailureStoreContract, sessionStoreContract } from "./sessions.ts";
import { sipCredentialStoreContract } from "./sip-credentials.ts";
import { userStoreContract } from "./users.ts";
import { userSettingsStoreContract } from "./user-settings.ts";
import { peopleStoreContract } from "./people.ts";

/** Registers every store contract for `implementation` (a whole Store per check). */
export function storeContracts(implementation: Implementation<Store, undefined>): void {
  userStoreContract(implementation);
  sessionStoreContract(implementation);
  loginFailureStoreContract(implementation);
  callStoreContract(implementation);
  analyticsStoreContract(implementation);
  sipCredentialStoreContract(implementation);
  agentOutboxStoreContract(implementation);
  recordingStoreContract(implementation);
  recordingUpkeepContract(implementation);
  accessTrailStoreContract(implementation);
  ingestStoreContract(implementation);
  phonePresenceStoreContract(implementation);
  invitationStoreContract(implementation);
  passwordResetStoreContract(implementation);
  userSettingsStoreContract(implementation);
  peopleStoreContract(implementation);
}
