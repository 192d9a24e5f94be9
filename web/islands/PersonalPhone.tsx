import { useSignal, useSignalEffect } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { normalizePhoneNumber } from "../../shared/phone.ts";
import { loadSettings, personalPhoneAvailable, saveSettings } from "../client/recordings/api.ts";

/** How long typing pauses before the number is checked. */
const CHECK_AFTER_MS = 300;

/**
 * "Your personal phone" on the Settings page: the user's own mobile or landline, so a call from
 * it to the organisation's number shows their name. Checked for availability as it is typed
 * (free, or taken by someone; never by whom), saved with its own button, removable.
 */
export default function PersonalPhone() {
  const saved = useSignal<string | null | undefined>(undefined);
  const typed = useSignal("");
  const check = useSignal<"idle" | "checking" | "free" | "taken" | "failed">("idle");
  const busy = useSignal(false);
  const message = useSignal<string | null>(null);
  const error = useSignal<string | null>(null);

  useEffect(() => {
    loadSettings().then((s) => {
      saved.value = s.personalPhone;
      typed.value = s.personalPhone ?? "";
    }).catch((failure: Error) => (error.value = failure.message));
  }, []);

  const e164 = normalizePhoneNumber(typed.value);
  useSignalEffect(() => {
    const number = normalizePhoneNumber(typed.value);
    if (!number || number === saved.value) return void (check.value = "idle");
    check.value = "checking";
    const abort = new AbortController();
    const timer = setTimeout(() => {
      personalPhoneAvailable(number, abort.signal)
        .then((answer) => (check.value = answer.available ? "free" : "taken"))
        .catch(() => !abort.signal.aborted && (check.value = "failed"));
    }, CHECK_AFTER_MS);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  });

  const save = async (personalPhone: string | null) => {
    busy.value = true;
    error.value = null;
    message.value = null;
    try {
      const next = await saveSettings({ personalPhone });
      saved.value = next.personalPhone;
      typed.value = next.personalPhone ?? "";
      message.value = next.personalPhone
        ? `Calls from ${next.personalPhone} now show your name.`
        : "Your personal phone was removed.";
    } catch (failure) {
      error.value = (failure as Error).message;
    } finally {
      busy.value = false;
    }
  };

  if (saved.value === undefined) {
    return error.value
      ? <p class="form-error" role="alert">{error.value}</p>
      : <p class="notice" role="status">Loading…</p>;
  }
  const hint = typed.value.trim() === ""
    ? "In international format, e.g. +44 7700 900123."
    : !e164
    ? "Not a phone number in international format yet (start with + and the country code)."
    : {
      idle: e164 === saved.value ? "This is your personal phone." : "",
      checking: "Checking…",
      free: `${e164} is available.`,
      taken: `${e164} is already registered in CareFlow.`,
      failed: "The number could not be checked; you can still save it.",
    }[check.value];
  const canSave = e164 !== null && e164 !== saved.value && check.value !== "taken" && !busy.value;
  return (
    <form
      class="personal-phone"
      data-testid="personal-phone"
      onSubmit={(event) => {
        event.preventDefault();
        if (canSave) void save(e164);
      }}
    >
      <div class="field">
        <label for="personal-phone">Your personal phone</label>
        <div class="inline-field">
          <input
            id="personal-phone"
            type="tel"
            inputMode="tel"
            autocomplete="tel"
            maxLength={32}
            aria-describedby="personal-phone-hint"
            value={typed.value}
            onInput={(event) => (typed.value = event.currentTarget.value)}
          />
          <button type="submit" class="button small" disabled={!canSave}>Save</button>
          {saved.value && (
            <button
              type="button"
              class="button small secondary"
              disabled={busy.value}
              onClick={() => void save(null)}
            >
              Remove
            </button>
          )}
        </div>
        <p class="hint" id="personal-phone-hint" aria-live="polite" data-testid="phone-check">
          {hint}
        </p>
      </div>
      {error.value && <p class="form-error" role="alert">{error.value}</p>}
      <p class="notice" role="status">{message.value}</p>
    </form>
  );
}
