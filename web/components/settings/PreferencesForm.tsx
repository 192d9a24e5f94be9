/**
 * "Notifications, audio, display and privacy" on the Settings page: the seed's settings as plain
 * controls, saved with one button (only what changed is sent) or reset to the defaults. A chunk
 * of its own, loaded by the account island once the page runs (not part of any page's up-front
 * script). What is saved applies on this page at once (client/settings.ts).
 */
import { type Signal, useSignal } from "@preact/signals";
import type { ComponentChildren, TargetedEvent } from "preact";
import { useEffect } from "preact/hooks";
import { DATE_FORMATS, DEVICE_ZONE, TIME_FORMATS } from "../../../shared/settings-defaults.ts";
import type { Settings, SettingsPatch } from "../../../shared/settings.ts";
import { COMMON_ZONES } from "../analytics/zones.ts";
import { applySettings } from "../../client/settings.ts";

type Sections = keyof Settings;
const DATE_LABELS: Record<(typeof DATE_FORMATS)[number], string> = {
  locale: "As my browser writes them",
  "YYYY-MM-DD": "2026-03-31",
  "DD/MM/YYYY": "31/03/2026",
  "MM/DD/YYYY": "03/31/2026",
};
const TIME_LABELS: Record<(typeof TIME_FORMATS)[number], string> = {
  locale: "As my browser writes them",
  "24h": "24-hour (14:05)",
  "12h": "12-hour (2:05 PM)",
};

/** What differs between `saved` and `edited`, section by section; null when nothing does. */
function changes(saved: Settings, edited: Settings): SettingsPatch | null {
  const patch: Record<string, Record<string, unknown>> = {};
  for (const section of Object.keys(edited) as Sections[]) {
    for (const [key, value] of Object.entries(edited[section])) {
      if ((saved[section] as Record<string, unknown>)[key] !== value) {
        (patch[section] ??= {})[key] = value;
      }
    }
  }
  return Object.keys(patch).length ? patch as SettingsPatch : null;
}

async function request(method: string, path: string, body?: unknown): Promise<Settings> {
  const response = await fetch(`/api/users/settings${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    const first = answer.errors?.[0];
    throw new Error(first ? `${first.field}: ${first.message}` : answer.detail ?? "Not saved.");
  }
  return answer.settings;
}

/** The form; shows "Loading…" until the settings arrive. */
export function PreferencesForm() {
  const saved = useSignal<Settings | null>(null);
  const edited = useSignal<Settings | null>(null);
  const said = useSignal<{ ok: boolean; text: string } | null>(null);
  const devices = useSignal<MediaDeviceInfo[]>([]);
  useEffect(() => {
    void request("GET", "").then((s) => (saved.value = edited.value = s)).catch((error) =>
      said.value = { ok: false, text: error.message }
    );
    void navigator.mediaDevices?.enumerateDevices().then((all) => (devices.value = all));
  }, []);
  const form = edited.value;
  if (!form) {
    return <p class="hint" role="status">{said.value?.text ?? "Loading your settings…"}</p>;
  }

  const done = (next: Settings, text: string) => {
    saved.value = edited.value = next;
    applySettings(next);
    said.value = { ok: true, text };
  };
  const submit = async (event: TargetedEvent<HTMLFormElement>) => {
    event.preventDefault();
    const patch = changes(saved.value!, form);
    if (!patch) return (said.value = { ok: true, text: "Nothing to save." });
    try {
      done(await request("PATCH", "", patch), "Settings saved.");
    } catch (error) {
      said.value = { ok: false, text: (error as Error).message };
    }
  };
  const reset = async () => {
    try {
      done(await request("POST", "/reset"), "Settings are back to their defaults.");
    } catch (error) {
      said.value = { ok: false, text: (error as Error).message };
    }
  };
  return (
    <form class="preferences" data-testid="preferences" onSubmit={submit}>
      <Fields edited={edited} devices={devices.value} />
      <div class="actions">
        <button type="submit" class="button">Save settings</button>
        <button type="button" class="button secondary" onClick={reset}>Reset to defaults</button>
      </div>
      <p
        class={said.value && !said.value.ok ? "form-error" : "notice"}
        role={said.value && !said.value.ok ? "alert" : "status"}
        data-testid="preferences-said"
      >
        {said.value?.text ?? ""}
      </p>
    </form>
  );
}

/** Every control of the form, by section. */
function Fields(props: { edited: Signal<Settings | null>; devices: MediaDeviceInfo[] }) {
  const form = props.edited.value!;
  const here = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const zones = [...new Set([DEVICE_ZONE, form.display.timezone, here, ...COMMON_ZONES])];
  return (
    <>
      <fieldset>
        <legend>Notifications</legend>
        <Check edited={props.edited} section="notifications" name="incoming">
          A notice for calls while CareFlow is in the background
        </Check>
        <Check edited={props.edited} section="notifications" name="missed">
          Tell me about missed calls
        </Check>
        <Check edited={props.edited} section="notifications" name="voicemail">
          A notice for new voicemail
        </Check>
        <Check edited={props.edited} section="notifications" name="sound">Ringtone</Check>
      </fieldset>
      <fieldset>
        <legend>Audio</legend>
        <Choice edited={props.edited} section="audio" name="inputDeviceId" label="Microphone">
          <option value="">System default</option>
          {props.devices.filter((d) => d.kind === "audioinput" && d.deviceId !== "default")
            .map((d, i) => (
              <option key={d.deviceId} value={d.deviceId}>
                {d.label || `Microphone ${i + 1}`}
              </option>
            ))}
        </Choice>
        <Choice edited={props.edited} section="audio" name="outputDeviceId" label="Speaker">
          <option value="">System default</option>
          {props.devices.filter((d) => d.kind === "audiooutput" && d.deviceId !== "default")
            .map((d, i) => (
              <option key={d.deviceId} value={d.deviceId}>{d.label || `Speaker ${i + 1}`}</option>
            ))}
        </Choice>
        <Check edited={props.edited} section="audio" name="echoCancellation">
          Echo cancellation
        </Check>
        <Check edited={props.edited} section="audio" name="noiseSuppression">
          Noise suppression
        </Check>
        <Check edited={props.edited} section="audio" name="autoGainControl">Automatic volume</Check>
      </fieldset>
      <fieldset>
        <legend>Dates and times</legend>
        <Choice edited={props.edited} section="display" name="timezone" label="Time zone">
          {zones.map((zone) => (
            <option key={zone} value={zone}>
              {zone === DEVICE_ZONE
                ? "This device's time zone"
                : zone === here
                ? `${zone} (here)`
                : zone}
            </option>
          ))}
        </Choice>
        <Choice edited={props.edited} section="display" name="dateFormat" label="Dates">
          {DATE_FORMATS.map((f) => <option key={f} value={f}>{DATE_LABELS[f]}</option>)}
        </Choice>
        <Choice edited={props.edited} section="display" name="timeFormat" label="Times">
          {TIME_FORMATS.map((f) => <option key={f} value={f}>{TIME_LABELS[f]}</option>)}
        </Choice>
      </fieldset>
      <fieldset>
        <legend>Calls</legend>
        <Check edited={props.edited} section="presence" name="callWaiting">
          Call waiting: a second call while I am on one rings softly (off: the caller hears busy)
        </Check>
      </fieldset>
      <fieldset>
        <legend>Privacy</legend>
        <Check edited={props.edited} section="privacy" name="allowDirectCalls">
          Colleagues may call me in CareFlow
        </Check>
        <Check edited={props.edited} section="privacy" name="showOnlineStatus">
          Show colleagues whether I am online
        </Check>
        <Check edited={props.edited} section="privacy" name="blockAnonymousCalls">
          Refuse calls from withheld numbers
        </Check>
        {
          /* Recording every call and how long recordings are kept are set once, under "Calls and
            recordings" below (the same fields of this document), not twice on one page. */
        }
        <Check edited={props.edited} section="privacy" name="notifyOnRecord">
          A notice when the other person starts recording
        </Check>
      </fieldset>
    </>
  );
}

/** Sets one field of the edited settings. */
function set(edited: Signal<Settings | null>, section: Sections, name: string, value: unknown) {
  const now = edited.value!;
  edited.value = { ...now, [section]: { ...now[section], [name]: value } };
}

function Check(
  props: { edited: Signal<Settings | null>; section: Sections; name: string; children: string },
) {
  const id = `pref-${props.section}-${props.name}`;
  const checked = (props.edited.value![props.section] as Record<string, unknown>)[props.name];
  return (
    <div class="check">
      <input
        id={id}
        type="checkbox"
        checked={checked === true}
        onChange={(e) => set(props.edited, props.section, props.name, e.currentTarget.checked)}
      />
      <label for={id}>{props.children}</label>
    </div>
  );
}

function Choice(
  props: {
    edited: Signal<Settings | null>;
    section: Sections;
    name: string;
    label: string;
    children: ComponentChildren;
  },
) {
  const id = `pref-${props.section}-${props.name}`;
  const value = (props.edited.value![props.section] as Record<string, unknown>)[props.name];
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select
        id={id}
        value={String(value)}
        onChange={(e) => set(props.edited, props.section, props.name, e.currentTarget.value)}
      >
        {props.children}
      </select>
    </div>
  );
}
