import { type Signal, useSignal } from "@preact/signals";
import type { TargetedEvent } from "preact";
import { useEffect, useState } from "preact/hooks";
import { MicCheck } from "../components/phone/MicCheck.tsx";

/** The settings form: a chunk of its own, fetched once this island runs. */
type Preferences = typeof import("../components/settings/PreferencesForm.tsx").PreferencesForm;

const UNREACHABLE = "CareFlow could not be reached. Check your connection and try again.";

/** What a part of the form last said: a success note or the server's refusal. */
type Said = { ok: boolean; text: string; field?: string } | null;

/** The server's own words from a problem document, with the field it names if any. */
async function refusal(response: Response, fallback: string): Promise<Said> {
  const body = await response.json().catch(() => ({}));
  const first = Array.isArray(body.errors) ? body.errors[0] : undefined;
  if (first?.field && first?.message) {
    return {
      ok: false,
      text: `${FIELD_NAMES[first.field] ?? "This field"} ${first.message}.`,
      field: first.field,
    };
  }
  return { ok: false, text: typeof body.detail === "string" ? body.detail : fallback };
}

/** How a refusal names the field the server found wrong. */
const FIELD_NAMES: Record<string, string> = {
  displayName: "This name",
  currentPassword: "The current password",
  newPassword: "The new password",
};

/** Sends JSON; what to say afterwards (`success` turns the answer into the note). */
async function send(
  url: string,
  init: { method: string; body?: unknown },
  success: (answer: Record<string, unknown>) => string,
  fallback: string,
): Promise<Said> {
  try {
    const response = await fetch(url, {
      method: init.method,
      headers: init.body === undefined ? {} : { "content-type": "application/json" },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    if (!response.ok) return await refusal(response, fallback);
    return { ok: true, text: success(await response.json().catch(() => ({}))) };
  } catch {
    return { ok: false, text: UNREACHABLE };
  }
}

const devices = (n: unknown) => (n === 1 ? "1 other device was" : `${n} other devices were`);

/** A part's result, announced politely (success) or at once (refusal). */
function Result(props: { said: Said; id: string }) {
  const said = props.said;
  return (
    <p
      id={props.id}
      class={said && !said.ok ? "form-error" : "notice"}
      role={said && !said.ok ? "alert" : "status"}
    >
      {said?.text ?? ""}
    </p>
  );
}

/**
 * "Account" on the Settings page: the person's display name, their password (local accounts;
 * the current one is required and checked like a sign-in), and "sign out of all other devices".
 * The buttons work once the script runs: before that (or with JavaScript off) nothing submits,
 * so no password can travel in a URL.
 */
export default function AccountSettings(props: { displayName: string; local: boolean }) {
  const ready = useSignal(false);
  useEffect(() => void (ready.value = true), []);
  return (
    <div class="account-settings" data-testid="account-settings">
      <NameForm displayName={props.displayName} ready={ready} />
      {props.local ? <PasswordForm ready={ready} /> : (
        <p class="hint">
          You sign in with your organisation's sign-in provider: change your password there.
        </p>
      )}
      <OtherDevices ready={ready} />
      <h3>Microphone and speaker</h3>
      <p class="hint">Check them before your first call: nothing is recorded or sent.</p>
      <MicCheck />
      <h3>Notifications, audio, display and privacy</h3>
      <LazyPreferences />
    </div>
  );
}

/** The settings form once its chunk is in; a line until then (and without JavaScript). */
function LazyPreferences() {
  const [Form, setForm] = useState<Preferences | null>(null);
  useEffect(() => {
    void import("../components/settings/PreferencesForm.tsx").then((m) =>
      setForm(() => m.PreferencesForm)
    );
  }, []);
  return Form ? <Form /> : <p class="hint">These settings need JavaScript to change.</p>;
}

function NameForm(props: { displayName: string; ready: Signal<boolean> }) {
  const said = useSignal<Said>(null);
  const busy = useSignal(false);
  const name = useSignal(props.displayName);
  const save = async (event: TargetedEvent<HTMLFormElement>) => {
    event.preventDefault();
    busy.value = true;
    said.value = await send(
      "/api/account",
      { method: "PATCH", body: { displayName: name.value } },
      (answer) => {
        name.value = (answer.user as { displayName: string }).displayName;
        return `Saved: colleagues now see you as ${name.value}.`;
      },
      "The name could not be saved.",
    );
    busy.value = false;
  };
  const invalid = said.value?.field === "displayName";
  return (
    <form class="form" method="post" onSubmit={save} noValidate>
      <div class="field">
        <label for="account-name">Your name</label>
        <input
          id="account-name"
          name="displayName"
          autocomplete="name"
          maxLength={80}
          required
          value={name.value}
          onInput={(event) => (name.value = event.currentTarget.value)}
          aria-invalid={invalid ? "true" : undefined}
          aria-describedby="account-name-result"
        />
      </div>
      <div>
        <button type="submit" class="button small" disabled={!props.ready.value || busy.value}>
          Save name
        </button>
      </div>
      <Result said={said.value} id="account-name-result" />
    </form>
  );
}

function PasswordForm(props: { ready: Signal<boolean> }) {
  const said = useSignal<Said>(null);
  const busy = useSignal(false);
  const change = async (event: TargetedEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    busy.value = true;
    said.value = await send(
      "/api/account/password",
      {
        method: "POST",
        body: {
          currentPassword: data.get("currentPassword"),
          newPassword: data.get("newPassword"),
        },
      },
      (answer) => {
        form.reset();
        return `Password changed. ${devices(answer.endedSessions)} signed out.`;
      },
      "The password could not be changed.",
    );
    busy.value = false;
  };
  const field = said.value?.field;
  return (
    <form class="form" method="post" onSubmit={change} noValidate>
      <h3>Change your password</h3>
      <div class="field">
        <label for="account-current">Current password</label>
        <input
          id="account-current"
          name="currentPassword"
          type="password"
          autocomplete="current-password"
          required
          aria-invalid={field === "currentPassword" ? "true" : undefined}
          aria-describedby="account-password-result"
        />
      </div>
      <div class="field">
        <label for="account-new">New password (10 characters or more)</label>
        <input
          id="account-new"
          name="newPassword"
          type="password"
          autocomplete="new-password"
          required
          aria-invalid={field === "newPassword" ? "true" : undefined}
          aria-describedby="account-password-result"
        />
      </div>
      <p class="hint">Every other device signed in as you is signed out; this one stays.</p>
      <div>
        <button type="submit" class="button small" disabled={!props.ready.value || busy.value}>
          Change password
        </button>
      </div>
      <Result said={said.value} id="account-password-result" />
    </form>
  );
}

function OtherDevices(props: { ready: Signal<boolean> }) {
  const said = useSignal<Said>(null);
  const busy = useSignal(false);
  const endOthers = async () => {
    busy.value = true;
    said.value = await send(
      "/api/account/sessions/end-others",
      { method: "POST" },
      (answer) => `${devices(answer.endedSessions)} signed out. This one stays signed in.`,
      "The other devices could not be signed out.",
    );
    busy.value = false;
  };
  return (
    <div class="form">
      <h3>Other devices</h3>
      <p class="hint">Lost a phone, or signed in on a shared computer? Sign them out from here.</p>
      <div>
        <button
          type="button"
          class="button small secondary"
          disabled={!props.ready.value || busy.value}
          onClick={endOthers}
        >
          Sign out of all other devices
        </button>
      </div>
      <Result said={said.value} id="account-devices-result" />
    </div>
  );
}
