/** Test double of the agent client: records every push and reports it delivered. */
import type { AgentClient, SubscriberChange } from "../sip/agent-client.ts";

export interface RecordingAgent extends AgentClient {
  pushes: { care4wId: string; change: SubscriberChange }[];
}

/** For in-memory route tests; the real client is tested against a real agent process. */
export function createRecordingAgent(): RecordingAgent {
  const pushes: RecordingAgent["pushes"] = [];
  return {
    pushes,
    push(care4wId, change) {
      pushes.push({ care4wId, change });
      return Promise.resolve(true);
    },
    resume: () => Promise.resolve(0),
    pending: () => 0,
    drained: () => Promise.resolve(),
    close() {},
  };
}
