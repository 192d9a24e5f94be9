/**
 * The phone's call card and all it needs during a call, as ONE lazily loaded chunk (the Phone
 * island fetches it once the page is idle, before a call rings): the ringing and in-call cards,
 * the end card, the call keys, the ringing alerts and notices, and the missed-call count's
 * upkeep. None of it is needed for a usable dial pad, so none of it is loaded up front.
 */
export { InCall, IncomingCall } from "./InCall.tsx";
export { EndCard } from "./EndCard.tsx";
export { callKeyAction } from "../../client/call-keys.ts";
export { alertRinging } from "../../client/ringing-alerts.ts";
export {
  askForNotifications,
  callWorker,
  listenForNoticeActions,
} from "../../client/call-notice.ts";
export { trackMissed } from "../../client/missed-calls.ts";
