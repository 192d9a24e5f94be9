/**
 * What Kamailio, FreeSWITCH and the agent tell each other about a call, named once. The SIP
 * headers are set by Kamailio on the INVITE it sends to FreeSWITCH (after stripping any a caller
 * sent); the channel variables are set by FreeSWITCH's dialplan (`pbx/freeswitch`) and read by
 * the agent from ESL events (`variable_<name>` headers) and from mod_json_cdr files
 * (`variables.<name>`). The XML cannot import this file: keep it and `pbx/freeswitch` in step
 * (`pbx/freeswitch/config-dialplan.test.ts` checks that the dialplan sets every variable named here).
 */

/** SIP headers from Kamailio to FreeSWITCH. */
export const MEDIA_HEADERS = {
  /** `P-Asserted-Identity`: the authenticated caller, `"Display Name" <sip:care4w-…@domain>`. */
  assertedIdentity: "P-Asserted-Identity",
  /** CareFlow IDs (comma-separated) whose "record my calls" setting asks for this call. */
  recordFor: "X-CareFlow-Record-For",
  /** The E.164 number an outbound PSTN call presents (the user's own, or the organisation's). */
  callerNumber: "X-CareFlow-Caller-Number",
  /** The callee's ring timeout in seconds, after which voicemail answers. */
  ringTimeout: "X-CareFlow-Ring-Timeout",
  /** The callee's CareFlow display name (safe in a quoted string), for a transfer they make. */
  calleeName: "X-CareFlow-Callee-Name",
} as const;

/** Channel variables the dialplan sets, on the A-leg (and inherited by the B-leg). */
export const MEDIA_VARIABLES = {
  /** The caller: a CareFlow ID, or an E.164 number for calls in from the trunk. */
  caller: "careflow_caller",
  /** The callee: a CareFlow ID, or an E.164 number for calls out to the trunk. */
  callee: "careflow_callee",
  /** CareFlow IDs (comma-separated) each of whom gets a copy of the call's recording. */
  recordFor: "careflow_record_for",
  /** `call` on a recorded call's channel, `voicemail` on a channel leaving a message. */
  recordingKind: "careflow_recording",
  /** The WAV being written (set before `record_session` / `record`, as hangup lacks the path). */
  recordingPath: "careflow_recording_path",
  /** The CareFlow ID a voicemail is for. */
  voicemailFor: "careflow_voicemail_for",
  /**
   * Who handed this leg's party on (a REFER, careflow-transfer.xml): set on the transferee's leg
   * and every leg it creates after, so the legs of the call before the transfer have none.
   */
  transferredBy: "careflow_transferred_by",
  /** The callee's CareFlow display name (X-CareFlow-Callee-Name), exported to the B-leg. */
  calleeName: "careflow_callee_name",
} as const;

/** Recording kinds as `careflow_recording` carries them. */
export const MEDIA_RECORDING_KINDS = ["call", "voicemail"] as const;
