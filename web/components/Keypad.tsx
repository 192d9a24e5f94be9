const KEYS: [string, string][] = [
  ["1", ""],
  ["2", "ABC"],
  ["3", "DEF"],
  ["4", "GHI"],
  ["5", "JKL"],
  ["6", "MNO"],
  ["7", "PQRS"],
  ["8", "TUV"],
  ["9", "WXYZ"],
  ["*", ""],
  ["0", "+"],
  ["#", ""],
];

/** A phone keypad; each key is a button named after its digit. Used by the dialer and in-call DTMF. */
export function Keypad(props: { onPress: (key: string) => void; label?: string }) {
  return (
    <div class="keypad" role="group" aria-label={props.label ?? "Dial pad"}>
      {KEYS.map(([key, letters]) => (
        <button
          type="button"
          class="key"
          aria-label={key}
          onClick={() => props.onPress(key)}
        >
          <span class="key-digit">{key}</span>
          <span class="key-letters" aria-hidden="true">{letters}</span>
        </button>
      ))}
    </div>
  );
}
