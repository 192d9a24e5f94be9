/**
 * Subscribers whose state the agent has not confirmed yet: the durable side of web's push queue.
 * `version` grows on every change, so a delivery of an older state never clears a newer one.
 */

export interface AgentOutboxEntry {
  care4wId: string;
  version: number;
  queuedAt: Date;
}

export interface AgentOutboxStore {
  /**
   * Notes that the agent must learn the current state of `care4wId`; returns the entry's new
   * version (1 for a fresh entry, one more for each later change). `queuedAt` keeps the first.
   */
  queueAgentSync(care4wId: string, at: Date): Promise<number>;
  /** Pending entries, oldest first. */
  listAgentSync(limit: number): Promise<AgentOutboxEntry[]>;
  /** Removes the entry only if it still has `version`; true when it was removed. */
  clearAgentSync(care4wId: string, version: number): Promise<boolean>;
}
