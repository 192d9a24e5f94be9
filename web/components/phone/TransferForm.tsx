import { useEffect, useRef, useState } from "preact/hooks";
import { normalizeCare4wId } from "../../../shared/care4w-id.ts";
import type { CallEngine } from "../../client/call/types.ts";

/**
 * Hands the connected call to a colleague: their CareFlow ID, then Transfer now (blind: the other
 * party hears ringback while the colleague's phone rings; this call ends for us once the server
 * took the transfer, or stays with a notice saying why it could not) or Ask first (attended: this
 * call goes on hold while we call the colleague, then Complete the transfer or Swap back).
 */
export function TransferForm(props: { engine: CallEngine }) {
  const [target, setTarget] = useState("");
  const [invalid, setInvalid] = useState(false);
  const field = useRef<HTMLInputElement>(null);
  // Opened from the Transfer control: typing can start at once.
  useEffect(() => field.current?.focus(), []);
  /** Blind (Transfer now, also Enter) or attended (Ask first: this call waits on hold). */
  const go = (how: "now" | "ask") => {
    const id = normalizeCare4wId(target);
    setInvalid(id === null);
    if (!id) return;
    if (how === "now") props.engine.transfer?.(id);
    else props.engine.consult?.(id);
  };
  const submit = (event: Event) => {
    event.preventDefault();
    go("now");
  };
  return (
    <form class="transfer-form" onSubmit={submit} aria-label="Transfer the call">
      <label for="transfer-target">Transfer to (CareFlow ID)</label>
      <div class="transfer-row">
        <input
          id="transfer-target"
          ref={field}
          value={target}
          inputMode="text"
          autoComplete="off"
          placeholder="care4w-1000002"
          aria-invalid={invalid}
          aria-describedby={invalid ? "transfer-invalid" : undefined}
          onInput={(event) => setTarget((event.target as HTMLInputElement).value)}
        />
        <button type="submit" class="button">Transfer now</button>
        {props.engine.consult && (
          <button
            type="button"
            class="button secondary"
            onClick={() => go("ask")}
          >
            Ask first
          </button>
        )}
      </div>
      {invalid && (
        <p id="transfer-invalid" class="form-error" role="alert">
          Enter a CareFlow ID such as care4w-1000002.
        </p>
      )}
    </form>
  );
}
