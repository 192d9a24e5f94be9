import { useSignal } from "@preact/signals";

/** Copies a value (the user's CareFlow ID) and says so. */
export default function CopyButton(props: { text: string; label: string }) {
  const state = useSignal<"idle" | "copied" | "failed">("idle");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.text);
      state.value = "copied";
    } catch {
      state.value = "failed";
    }
    setTimeout(() => (state.value = "idle"), 2000);
  };
  return (
    <button type="button" class="copy" aria-label={props.label} onClick={copy}>
      {state.value === "copied" ? "Copied" : state.value === "failed" ? "Copy failed" : "Copy"}
    </button>
  );
}
