/** Whether a user has a SIP phone registered, as Kamailio last told the agent. */

/** One user's phone presence. */
export interface PhonePresence {
  userId: string;
  /** True while at least one SIP device of the user is registered. */
  online: boolean;
  /** When it last changed (the agent's event time). */
  changedAt: Date;
}

export interface PhonePresenceStore {
  /**
   * Keeps `presence` unless what is kept changed later (events can be redelivered out of order);
   * true when kept.
   */
  notePhonePresence(presence: PhonePresence): Promise<boolean>;
  getPhonePresence(userId: string): Promise<PhonePresence | null>;
}
