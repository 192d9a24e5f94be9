/**
 * The signed-in user's settings in the browser (`/api/users/settings`), fetched once per page and
 * shared by everything that acts on them: the ringtone, the notices, the microphone and speaker,
 * the times shown. Until they arrive (or when they cannot be fetched) the defaults apply, which
 * ring, notify and show everything: failing open is right for a phone a care worker relies on.
 * The Settings form hands what it saved to `useSettings`' subscribers at once.
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { DEFAULT_SETTINGS } from "../../shared/settings-defaults.ts";
import type { Settings } from "../../shared/settings.ts";

let current: Settings = DEFAULT_SETTINGS;
let loading: Promise<Settings> | null = null;
const listeners = new Set<(settings: Settings) => void>();

/** The settings as known now (the defaults before they arrive). */
export function settingsNow(): Settings {
  return current;
}

/**
 * Fetches the settings once per page; resolves with them as they are then (a save since the
 * fetch included; the defaults on failure).
 */
export function loadSettings(): Promise<Settings> {
  if (typeof document === "undefined") return Promise.resolve(current);
  loading ??= fetch("/api/users/settings")
    .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
    .then((body: { settings: Settings }) => {
      applySettings(body.settings);
      return current;
    })
    .catch(() => {
      // Asked again next time: a flaky moment must not pin the defaults for the page's life.
      loading = null;
      return current;
    });
  return loading.then(() => current);
}

/** What the server answered after a save: in force on this page from now on. */
export function applySettings(settings: Settings): void {
  current = settings;
  for (const listener of listeners) listener(settings);
}

/** Hears every change of the settings on this page; returns how to stop. */
export function onSettings(listener: (settings: Settings) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Renders the calling component again once the settings arrive, and after each change: for
 * what it shows through them (times in the user's zone and formats).
 */
export function useSettingsRendered(): void {
  const version = useSignal(0);
  useEffect(() => {
    void loadSettings().then(() => version.value++);
    return onSettings(() => version.value++);
  }, []);
  void version.value;
}
