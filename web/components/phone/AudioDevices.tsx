import { useEffect, useState } from "preact/hooks";
import type { AudioChoice } from "../../client/call/types.ts";

type Listed = Awaited<ReturnType<AudioChoice["list"]>>;

/** Microphone and speaker pickers for the call in progress, where the engine offers the choice. */
export function AudioDevices(props: { audio: AudioChoice }) {
  const [listed, setListed] = useState<Listed | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    props.audio.list().then(setListed, () => setProblem("The audio devices could not be listed."));
  }, [props.audio]);
  if (problem) return <p class="hint" role="status">{problem}</p>;
  if (!listed) return <p class="hint" role="status">Looking for audio devices…</p>;
  const choose = (kind: "input" | "output", id: string) =>
    props.audio.choose(kind, id).catch(() => setProblem("That device could not be used."));
  return (
    <div class="audio-devices" role="group" aria-label="Audio devices">
      <label>
        Microphone
        <select onChange={(event) => choose("input", event.currentTarget.value)}>
          {listed.inputs.map((d) => <option key={d.id} value={d.id}>{d.label}</option>)}
        </select>
      </label>
      {listed.canChooseOutput && (
        <label>
          Speaker
          <select onChange={(event) => choose("output", event.currentTarget.value)}>
            {listed.outputs.map((d) => <option key={d.id} value={d.id}>{d.label}</option>)}
          </select>
        </label>
      )}
    </div>
  );
}
