/**
 * Where the agent's events for web go: the durable outbox. Producers (CDR builder, recordings,
 * presence) only append; the outbox delivers to web's `POST /internal/events` and forgets an event
 * only once web confirmed it.
 */
import type { AgentEvent } from "../../../shared/events.ts";

/** Takes events for web. */
export interface EventSink {
  /**
   * Appends `event` durably (resolves once it is in Redis, so a crash after this loses nothing).
   * The event's `id` must be deterministic for the thing it describes (a call, a recording), so a
   * producer that appends the same thing twice (after a restart, from ESL and from the CDR folder)
   * yields one record in web: web ingests idempotently by id.
   */
  append(event: AgentEvent): Promise<void>;
  /**
   * Resolves once web has confirmed the event with this id (at once if it already has), so a
   * producer can release what the event depended on (a recording's WAV, after its audio upload).
   * Rejects after `timeoutMs`.
   */
  delivered(eventId: string, timeoutMs?: number): Promise<void>;
}
