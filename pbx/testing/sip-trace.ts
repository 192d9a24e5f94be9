/**
 * Reads a SIPp message trace (`-trace_msg`, kit's `traceMessages`): the messages a stand-in
 * received, each with its start line and headers in order, so a test can assert exactly what
 * Kamailio handed on (every copy of a header, not just the first).
 */

/** One SIP message as received. */
export interface TracedMessage {
  startLine: string;
  /** Headers in order; names as sent. */
  headers: [string, string][];
  /** The whole message text. */
  text: string;
}

/** The messages SIPp logged as received, oldest first. */
export function receivedMessages(trace: string): TracedMessage[] {
  const blocks = trace.split(/^-{10,}.*$/m);
  const messages: TracedMessage[] = [];
  for (const block of blocks) {
    const match = /^\s*\w+ message received \[\d+\] bytes :\s*\n\n?([\s\S]*)$/.exec(block);
    if (!match) continue;
    const text = match[1].trim();
    const [head] = text.split(/\r?\n\r?\n/);
    const [startLine, ...lines] = head.split(/\r?\n/);
    const headers = lines.map((line): [string, string] => {
      const colon = line.indexOf(":");
      return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
    });
    messages.push({ startLine: startLine.trim(), headers, text });
  }
  return messages;
}

/** The received requests of one method (e.g. the INVITEs a stand-in gateway got). */
export function receivedRequests(trace: string, method: string): TracedMessage[] {
  return receivedMessages(trace).filter((m) => m.startLine.startsWith(`${method} `));
}

/** Every value of header `name` (case-insensitive) in `message`. */
export function headerValues(message: TracedMessage, name: string): string[] {
  const lower = name.toLowerCase();
  return message.headers.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
}
