import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";

/** A colleague as `GET /api/admin/users` lists them. */
interface Person {
  care4wId: string;
  displayName: string;
  email: string;
  role: "user" | "admin";
  active: boolean;
  /** A local password: a reset link can be issued (Firebase accounts reset with Firebase). */
  local: boolean;
  lastLoginAt: string | null;
}

/** A fresh reset link, shown this once for the admin to pass on. */
interface Issued {
  care4wId: string;
  displayName: string;
  link: string;
  expiresAt: string;
}

const API = "/api/admin/users";
const UNREACHABLE = "CareFlow could not be reached. Check your connection and try again.";

/** The server's own words from a problem document, else `fallback`. */
async function detailOf(response: Response, fallback: string): Promise<string> {
  const body = await response.json().catch(() => ({}));
  return typeof body.detail === "string" ? body.detail : fallback;
}

const time = (iso: string) =>
  new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

/**
 * "People", for admins on the Settings page: everyone with an account, a page at a time, with
 * what an admin may do to a colleague's account: a one-time password-reset link to pass on
 * (there is no mail), deactivate or reactivate, make or stop being an admin. Nobody acts on
 * their own account here.
 */
export default function People(props: { me: string }) {
  const people = useSignal<Person[] | null>(null);
  const next = useSignal<string | null>(null);
  const issued = useSignal<Issued | null>(null);
  const status = useSignal("");
  const error = useSignal<string | null>(null);

  const load = async (after?: string) => {
    try {
      const response = await fetch(after ? `${API}?after=${encodeURIComponent(after)}` : API);
      if (!response.ok) throw new Error(await detailOf(response, "People could not be loaded."));
      const page = await response.json();
      people.value = [...(after ? people.value ?? [] : []), ...page.users];
      next.value = page.next;
    } catch (failure) {
      error.value = failure instanceof TypeError ? UNREACHABLE : (failure as Error).message;
    }
  };
  useEffect(() => void load(), []);

  /** Posts one action on `person`; `done` says what changed and updates the row. */
  const act = async (
    person: Person,
    action: string,
    body: unknown,
    done: (answer: Record<string, unknown>) => string,
  ) => {
    error.value = null;
    status.value = "";
    try {
      const response = await fetch(`${API}/${encodeURIComponent(person.care4wId)}/${action}`, {
        method: "POST",
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!response.ok) {
        error.value = await detailOf(response, "That did not work. Try again.");
        return;
      }
      status.value = done(await response.json());
    } catch {
      error.value = UNREACHABLE;
    }
  };
  const update = (care4wId: string, change: Partial<Person>) =>
    people.value = (people.value ?? []).map((
      p,
    ) => (p.care4wId === care4wId ? { ...p, ...change } : p));

  const resetLink = (person: Person) =>
    act(person, "password-reset", undefined, (answer) => {
      issued.value = { ...person, link: String(answer.link), expiresAt: String(answer.expiresAt) };
      return `A reset link for ${person.displayName} is ready to copy.`;
    });
  const setActive = (person: Person, active: boolean) => {
    if (!active && !confirm(`Deactivate ${person.displayName}? They are signed out everywhere.`)) {
      return;
    }
    return act(person, active ? "reactivate" : "deactivate", undefined, () => {
      update(person.care4wId, { active });
      if (!active && issued.value?.care4wId === person.care4wId) issued.value = null;
      return `${person.displayName} is ${active ? "active again" : "deactivated"}.`;
    });
  };
  const setRole = (person: Person, role: Person["role"]) =>
    act(person, "role", { role }, () => {
      update(person.care4wId, { role });
      return `${person.displayName} is ${
        role === "admin" ? "an admin now" : "no longer an admin"
      }.`;
    });

  return (
    <div class="form people" data-testid="people">
      <p class="notice" role="status">{status.value}</p>
      {error.value && <p class="form-error" role="alert">{error.value}</p>}
      {people.value === null ? <p class="notice">Loading…</p> : (
        <ul class="people-list">
          {people.value.map((person) => (
            <li key={person.care4wId} class="person">
              <div>
                <strong>{person.displayName}</strong>
                <span class="person-facts">
                  {person.email} · <code>{person.care4wId}</code>
                  {person.role === "admin" && " · admin"}
                  {!person.active && " · deactivated"}
                  {!person.local && " · Firebase sign-in"}
                </span>
              </div>
              {person.care4wId === props.me
                ? <span class="hint">This is you: change your own account above.</span>
                : (
                  <Actions
                    person={person}
                    resetLink={resetLink}
                    setActive={setActive}
                    setRole={setRole}
                  />
                )}
              {issued.value?.care4wId === person.care4wId && <IssuedLink issued={issued.value} />}
            </li>
          ))}
        </ul>
      )}
      {next.value && (
        <div>
          <button type="button" class="button small secondary" onClick={() => load(next.value!)}>
            Show more people
          </button>
        </div>
      )}
    </div>
  );
}

/**
 * The buttons of one colleague's row; each one's accessible name starts with its visible words
 * and adds the person, so a screen reader's list of buttons tells the rows apart.
 */
function Actions(props: {
  person: Person;
  resetLink: (p: Person) => void;
  setActive: (p: Person, active: boolean) => void;
  setRole: (p: Person, role: Person["role"]) => void;
}) {
  const { person } = props;
  const name = person.displayName;
  return (
    <div class="person-actions">
      {person.local && person.active && (
        <button
          type="button"
          class="button small secondary"
          aria-label={`Reset link for ${name}`}
          onClick={() => props.resetLink(person)}
        >
          Reset link
        </button>
      )}
      <button
        type="button"
        class="button small secondary"
        aria-label={`${person.role === "admin" ? "Remove admin" : "Make admin"} (${name})`}
        onClick={() => props.setRole(person, person.role === "admin" ? "user" : "admin")}
      >
        {person.role === "admin" ? "Remove admin" : "Make admin"}
      </button>
      <button
        type="button"
        class={person.active ? "button small danger" : "button small"}
        aria-label={`${person.active ? "Deactivate" : "Reactivate"} ${name}`}
        onClick={() => props.setActive(person, !person.active)}
      >
        {person.active ? "Deactivate" : "Reactivate"}
      </button>
    </div>
  );
}

/** The fresh link, to copy and pass on: shown this once. */
function IssuedLink(props: { issued: Issued }) {
  const copied = useSignal<"idle" | "copied" | "failed">("idle");
  const field = useRef<HTMLInputElement>(null);
  const { displayName, link, expiresAt } = props.issued;
  // Straight to the link (selected by its focus): copying is the next thing to do.
  useEffect(() => field.current?.focus(), [link]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link);
      copied.value = "copied";
    } catch {
      copied.value = "failed";
    }
  };
  return (
    <div class="field issued-link">
      <label for="reset-link">
        Password-reset link for {displayName}, good once until{" "}
        {time(expiresAt)}: pass it on yourself
      </label>
      <input
        id="reset-link"
        ref={field}
        readOnly
        value={link}
        onFocus={(e) => e.currentTarget.select()}
      />
      <div>
        <button type="button" class="button small" onClick={copy}>
          {copied.value === "copied" ? "Copied" : "Copy link"}
        </button>
      </div>
      {copied.value === "failed" && (
        <p class="hint">The link could not be copied: select it and copy it yourself.</p>
      )}
    </div>
  );
}
