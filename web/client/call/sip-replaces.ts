/**
 * The `Replaces` value of an attended transfer (RFC 3891), written by the transferor into the
 * REFER's Refer-To and read by the target from the transferee's INVITE. Pure: no sip.js objects.
 */

/** A dialog as one of its two ends sees it. */
export interface DialogIds {
  callId: string;
  localTag: string;
  remoteTag: string;
}

/** A parsed Replaces header: tags as the receiving end (the target) names them. */
export interface ReplacesIds {
  callId: string;
  /** The target's own tag in the dialog to replace. */
  toTag: string;
  /** The tag of the target's other party (the transferor) in it. */
  fromTag: string;
  /** Only an early dialog may be replaced (RFC 3891 §3: 486 when it is confirmed). */
  earlyOnly: boolean;
}

/**
 * The Replaces value for the transferee to send, built by the transferor from its own view of the
 * consultation: the target's tag is the transferor's remote tag (to-tag), and the transferor's
 * own tag is the target's remote one (from-tag).
 */
export function replacesOf(consultation: DialogIds): string {
  const { callId, localTag, remoteTag } = consultation;
  return `${callId};to-tag=${remoteTag};from-tag=${localTag}`;
}

/**
 * A Refer-To value (RFC 3515) calling `aor` with the Replaces header embedded in the URI
 * (escaped, as a URI header must be), in angle brackets since the URI holds `?` and `=`.
 */
export function referToWithReplaces(aor: string, replaces: string): string {
  return `<${aor}?Replaces=${encodeURIComponent(replaces)}>`;
}

/** A Replaces URI header as it arrives in a Refer-To (escaped) → the header value, or null. */
export function unescapeReplaces(escaped: string | undefined): string | null {
  if (!escaped) return null;
  try {
    return decodeURIComponent(escaped);
  } catch {
    return null;
  }
}

/**
 * Parses a Replaces header (`call-id;to-tag=…;from-tag=…[;early-only]`); null when it lacks the
 * Call-ID or either tag. A Call-ID holds no `;`, so the parameters start at the first one.
 */
export function parseReplaces(value: string): ReplacesIds | null {
  const [callId, ...params] = value.trim().split(";").map((part) => part.trim());
  if (!callId) return null;
  let toTag = "";
  let fromTag = "";
  let earlyOnly = false;
  for (const param of params) {
    const [name, tag = ""] = param.split("=", 2).map((part) => part.trim());
    if (name.toLowerCase() === "to-tag") toTag = tag;
    else if (name.toLowerCase() === "from-tag") fromTag = tag;
    else if (name.toLowerCase() === "early-only") earlyOnly = true;
  }
  return toTag && fromTag ? { callId, toTag, fromTag, earlyOnly } : null;
}

/**
 * Whether a Replaces names `dialog` as seen by the end receiving it (RFC 3891 §3: the to-tag is
 * compared with the local tag, the from-tag with the remote one). Call-IDs and tags compare
 * exactly (RFC 3261 §19.3, §20.8).
 */
export function namesDialog(replaces: ReplacesIds, dialog: DialogIds): boolean {
  return replaces.callId === dialog.callId && replaces.toTag === dialog.localTag &&
    replaces.fromTag === dialog.remoteTag;
}
