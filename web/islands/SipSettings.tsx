import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { SipPhoneCredentials, SipPhoneSettings } from "../../shared/api.ts";
import CopyButton from "./CopyButton.tsx";

type View =
  | { state: "loading" }
  | { state: "off" }
  | { state: "error"; message: string }
  | { state: "ready"; settings: SipPhoneSettings };

/**
 * SIP phone settings: the account a desk phone or mobile SIP app needs, and the "Rotate SIP
 * password" action, whose new password is shown this once with a copy button.
 */
export default function SipSettings() {
  const view = useSignal<View>({ state: "loading" });
  const fresh = useSignal<SipPhoneCredentials | null>(null);
  const confirming = useSignal(false);
  const busy = useSignal(false);
  const failure = useSignal<string | null>(null);

  const load = async () => {
    try {
      const response = await fetch("/api/sip/credentials");
      if (response.status === 404) return void (view.value = { state: "off" });
      if (!response.ok) throw new Error(String(response.status));
      // Our own server's answer; zod stays out of the browser bundle.
      view.value = { state: "ready", settings: await response.json() as SipPhoneSettings };
    } catch {
      view.value = { state: "error", message: "The SIP settings could not be loaded." };
    }
  };
  useEffect(() => void load(), []);

  const rotate = async () => {
    const current = view.value;
    if (current.state !== "ready") return;
    if (current.settings.hasPassword && !confirming.value) return void (confirming.value = true);
    confirming.value = false;
    busy.value = true;
    failure.value = null;
    try {
      const response = await fetch("/api/sip/credentials", { method: "POST" });
      if (!response.ok) throw new Error(String(response.status));
      fresh.value = await response.json() as SipPhoneCredentials;
      await load();
    } catch {
      failure.value = "The password could not be changed. Please try again.";
    } finally {
      busy.value = false;
    }
  };

  const current = view.value;
  if (current.state === "loading") return <p class="notice" role="status">Loading SIP settings…</p>;
  if (current.state === "off") {
    return (
      <p class="notice" data-testid="sip-off">
        SIP phones are not configured on this server. Ask your administrator to set up the SIP edge
        to use a desk phone or a mobile SIP app.
      </p>
    );
  }
  if (current.state === "error") return <p class="form-error" role="alert">{current.message}</p>;
  const s = current.settings;
  return (
    <div class="sip-settings" data-testid="sip-settings">
      <dl>
        <dt>Username</dt>
        <dd data-testid="sip-username">{s.username}</dd>
        <dt>Domain</dt>
        <dd data-testid="sip-domain">{s.domain}</dd>
        <dt>Outbound proxy</dt>
        <dd data-testid="sip-proxy">{s.proxy}</dd>
        <dt>Phone</dt>
        <dd data-testid="sip-phone-presence">
          {s.phone
            ? `${s.phone.online ? "Registered" : "Not registered"} since ${
              new Date(s.phone.since).toLocaleString()
            }`
            : "No phone has registered yet"}
        </dd>
        <dt>Password</dt>
        <dd data-testid="sip-has-password">
          {s.hasPassword
            ? `Set${s.rotatedAt ? ` on ${new Date(s.rotatedAt).toLocaleString()}` : ""}`
            : "Not set yet"}
        </dd>
      </dl>
      {fresh.value && (
        <div class="card" role="alert" data-testid="sip-new-password">
          <p>
            <strong>Your new SIP password:</strong> <code>{fresh.value.password}</code>{" "}
            <CopyButton text={fresh.value.password} label="Copy SIP password" />
          </p>
          <p class="form-error">
            Copy it into your phone now. It will not be shown again; if you lose it, rotate it.
          </p>
        </div>
      )}
      {confirming.value && (
        <p class="form-error" role="alert">
          The current password stops working at once on every phone that uses it. Press again to
          confirm.
        </p>
      )}
      {failure.value && <p class="form-error" role="alert">{failure.value}</p>}
      <button type="button" class="button" disabled={busy.value} onClick={rotate}>
        {confirming.value
          ? "Confirm: rotate SIP password"
          : s.hasPassword
          ? "Rotate SIP password"
          : "Create SIP password"}
      </button>
    </div>
  );
}
