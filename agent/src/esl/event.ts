/**
 * One FreeSWITCH event as the agent's consumers see it, whichever wire format (`plain` or `json`)
 * it came in: the contract between the ESL client and what reacts to events (CDR builder,
 * recordings, presence).
 */

/** A decoded event. */
export interface EslEvent {
  /** `Event-Name`, e.g. `CHANNEL_HANGUP_COMPLETE`, `RECORD_STOP`, `CUSTOM`. */
  name: string;
  /** `Event-Subclass` of a `CUSTOM` event (`vm::maintenance`), else null. */
  subclass: string | null;
  /**
   * Every header as FreeSWITCH named it, values decoded (plain: URL-decoded; json: as sent).
   * Channel variables are the `variable_*` headers.
   */
  headers: Readonly<Record<string, string>>;
  /** The event's own body (plain: after its inner Content-Length; json: `_body`), if any. */
  body: string | null;
}

/** Decoded events from the ESL connection, in the order they arrived. */
export interface EslEventSource {
  /** Calls `listener` for each event from now on; returns the unsubscribe. */
  onEvent(listener: (event: EslEvent) => void): () => void;
  /** Calls `listener` on each (re)connection, after the event subscription is in place. */
  onConnected(listener: () => void): () => void;
}
