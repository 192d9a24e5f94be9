/** The controls of a filter bar (history, recordings): one search box, choices and dates. */

/** A text search, announced as the form's search. */
export function SearchField(props: {
  value: string;
  placeholder: string;
  onInput(value: string): void;
}) {
  return (
    <label>
      Search
      <input
        type="search"
        placeholder={props.placeholder}
        value={props.value}
        onInput={(event) => props.onInput(event.currentTarget.value)}
      />
    </label>
  );
}

/** A labelled select over `[value, text]` options. */
export function Choice<Name extends string>(props: {
  label: string;
  name: Name;
  value: string;
  options: readonly (readonly [string, string])[];
  onChange(name: Name, value: string): void;
}) {
  return (
    <label>
      {props.label}
      <select
        value={props.value}
        onChange={(event) => props.onChange(props.name, event.currentTarget.value)}
      >
        {props.options.map(([value, text]) => <option key={value} value={value}>{text}</option>)}
      </select>
    </label>
  );
}

/** A labelled date input. */
export function DateField<Name extends string>(props: {
  label: string;
  name: Name;
  value: string;
  onChange(name: Name, value: string): void;
}) {
  return (
    <label>
      {props.label}
      <input
        type="date"
        value={props.value}
        onChange={(event) => props.onChange(props.name, event.currentTarget.value)}
      />
    </label>
  );
}
