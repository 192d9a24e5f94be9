import { useEffect, useRef, useState } from "preact/hooks";
import { normalizeCare4wId } from "../../../shared/care4w-id.ts";
import type { CallEngine } from "../../client/call/types.ts";

/**
 * Hands the connected call to a colleague (a blind transfer): their CareFlow ID, then Transfer.
 * The other party hears ringback while the colleague's phone rings; this call ends for us once
 * the server took the transfer, or stays with a notice saying why it could not.
 */
export function TransferForm(props: { engine: CallEngine }) {
  const [target, setTarget] = useState("");
  const [invalid, setInvalid] = useState(false);
  const field = useRef<HTMLInputElement>(null);
  // Opened from the Transfer control: typing can start at once.
  useEffect(() => field.current?.focus(), []);
  const submit = (event: Event) => {
    event.preventDefault();
    const id = normalizeCare4wId(target);
    setInvalid(id === null);
    if (id) props.engine.transfer?.(id);
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
      </div>
      {invalid && (
        <p id="transfer-invalid" class="form-error" role="alert">
          Enter a CareFlow ID such as care4w-1000002.
        </p>
      )}
    </form>
  );
}
