import { useComputed, useSignal, useSignalEffect } from "@preact/signals";
import type { TargetedKeyboardEvent } from "preact";
import { classifyDialTarget } from "../../shared/dial-target.ts";
import { Keypad } from "../components/Keypad.tsx";

type Lookup =
  | { state: "idle" }
  | { state: "loading" }
  | { state: "found"; displayName: string }
  | { state: "missing" }
  | { state: "error" };

const LOOKUP_DELAY_MS = 250;
const MAX_LENGTH = 32;

/** The dial pad: keypad, typed or pasted input, what the input is, and who a CareFlow ID is. */
export default function Dialer() {
  const value = useSignal("");
  const lookup = useSignal<Lookup>({ state: "idle" });
  const notice = useSignal<string | null>(null);
  const target = useComputed(() => classifyDialTarget(value.value));

  // Debounced: typing care4w-1000001 asks the server once, after the user pauses.
  useSignalEffect(() => {
    const current = target.value;
    if (current.kind !== "care4w") {
      lookup.value = { state: "idle" };
      return;
    }
    lookup.value = { state: "loading" };
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      try {
        const query = new URLSearchParams({ care4wId: current.care4wId });
        const response = await fetch(`/api/users/lookup?${query}`, { signal: controller.signal });
        if (!response.ok) throw new Error(String(response.status));
        const body = await response.json();
        lookup.value = body.exists
          ? { state: "found", displayName: body.displayName }
          : { state: "missing" };
      } catch (error) {
        if (!controller.signal.aborted) lookup.value = { state: "error" };
        void error;
      }
    }, LOOKUP_DELAY_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  });

  const press = (key: string) => {
    if (value.value.length < MAX_LENGTH) value.value += key;
    notice.value = null;
  };
  const backspace = () => (value.value = value.value.slice(0, -1));
  const clear = () => (value.value = "");
  const canCall = useComputed(() =>
    target.value.kind === "phone" ||
    (target.value.kind === "care4w" && lookup.value.state === "found")
  );
  const call = () => {
    if (!canCall.value) return;
    notice.value = "Calling is being switched on for your organisation.";
  };

  // Keys typed while a keypad button has focus go to the number, like a desk phone.
  const onKeyDown = (event: TargetedKeyboardEvent<HTMLDivElement>) => {
    if (event.target instanceof HTMLInputElement) {
      if (event.key === "Enter") call();
      return;
    }
    if (/^[0-9*#+]$/.test(event.key)) press(event.key);
    else if (event.key === "Backspace") backspace();
    else if (event.key === "Enter") call();
    else return;
    event.preventDefault();
  };

  return (
    <section class="dialer card" aria-labelledby="dialer-title" onKeyDown={onKeyDown}>
      <h1 id="dialer-title">Dialer</h1>
      <div class="field">
        <label for="dial-input">Number or CareFlow ID</label>
        <div class="dial-row">
          <input
            id="dial-input"
            class="dial-input"
            inputMode="tel"
            autocomplete="off"
            spellcheck={false}
            maxLength={MAX_LENGTH}
            placeholder="care4w-1000001 or +44 20 7946 0958"
            value={value.value}
            onInput={(event) => (value.value = event.currentTarget.value)}
            aria-describedby="dial-hint"
          />
          <button type="button" class="icon" aria-label="Backspace" onClick={backspace}>⌫</button>
          <button type="button" class="icon" aria-label="Clear" onClick={clear}>✕</button>
        </div>
        <p id="dial-hint" class="hint" aria-live="polite" data-testid="dial-hint">
          <Hint target={target.value} lookup={lookup.value} />
        </p>
      </div>
      <Keypad onPress={press} />
      <button type="button" class="button call" disabled={!canCall.value} onClick={call}>
        Call
      </button>
      {notice.value && <p class="notice" role="status">{notice.value}</p>}
    </section>
  );
}

function Hint(props: { target: ReturnType<typeof classifyDialTarget>; lookup: Lookup }) {
  const { target, lookup } = props;
  if (target.kind === "empty") return <>Type a CareFlow ID or a phone number.</>;
  if (target.kind === "invalid") return <>Not a CareFlow ID or a phone number yet.</>;
  if (target.kind === "phone") return <>Phone number {target.e164}</>;
  const who = lookup.state === "found"
    ? (
      <>
        : <strong data-testid="callee-name">{lookup.displayName}</strong>
      </>
    )
    : lookup.state === "missing"
    ? <>: nobody has this ID</>
    : lookup.state === "error"
    ? <>: could not look it up</>
    : <>: looking up…</>;
  return <>CareFlow ID {target.care4wId}{who}</>;
}
