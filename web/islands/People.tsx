import { useSignal } from "@preact/signals";
import type { TargetedEvent } from "preact";
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
  /** A SIP phone password is set (never the password itself). */
  phonePassword: boolean;
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
 * "People", for admins in the Admin section: everyone with an account, a page at a time, or
 * those a search (on the server) finds by name, email or CareFlow ID, with what an admin may do
 * to a colleague's account: a one-time password-reset link to pass on (there is no mail),
 * deactivate or reactivate, make admin or make user. Of their own account an admin may only
 * stop being an admin (the server refuses it for the last one).
 */
export default function People(props: { me: string }) {
  const people = useSignal<Person[] | null>(null);
  const next = useSignal<string | null>(null);
  /** The search the list shows ("" for everyone). */
  const query = useSignal("");
  const issued = useSignal<Issued | null>(null);
  const status = useSignal("");
  const error = useSignal<string | null>(null);

  const load = async (q: string, after?: string) => {
    error.value = null;
    const params = new URLSearchParams();
    if (q) params.set("q", q);
    if (after) params.set("after", after);
    try {
      const response = await fetch(params.size ? `${API}?${params}` : API);
      if (!response.ok) throw new Error(await detailOf(response, "People could not be loaded."));
      const page = await response.json();
      people.value = [...(after ? people.value ?? [] : []), ...page.users];
      next.value = page.next;
      query.value = q;
      if (!after && q) status.value = foundText(q, page.users.length, page.next !== null);
    } catch (failure) {
      error.value = failure instanceof TypeError ? UNREACHABLE : (failure as Error).message;
    }
  };
  useEffect(() => void load(""), []);
  const search = (q: string) => {
    status.value = "";
    void load(q);
  };

  /** Posts one action on `person`; `done` says what changed and updates the row. */
  const act = async (
    person: Person,
    action: string,
    body: unknown,
    done: (answer: Record<string, unknown>) => string,
  ) => {
    error.value = null;
    status.value = "";
    const outcome = await post(person.care4wId, action, body);
    if ("error" in outcome) error.value = outcome.error;
    else status.value = done(outcome.answer);
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
  const setRole = (person: Person, role: Person["role"]) => {
    const self = person.care4wId === props.me;
    if (self && !confirm("Stop being an admin? You will no longer see the Admin section.")) return;
    return act(person, "role", { role }, () => {
      update(person.care4wId, { role });
      // Their own admin rights are gone: the section is not theirs any more.
      if (self) location.assign("/dashboard");
      return `${person.displayName} is ${role === "admin" ? "an admin now" : "a user now"}.`;
    });
  };

  return (
    <div class="form people" data-testid="people">
      <SearchForm searching={query.value !== ""} search={search} />
      <p class="notice" role="status">{status.value}</p>
      {error.value && <p class="form-error" role="alert">{error.value}</p>}
      {people.value === null ? <p class="notice">Loading…</p> : (
        <ul class="people-list">
          {people.value.map((person) => (
            <li key={person.care4wId} class="person">
              <PersonFacts person={person} />
              <Actions
                person={person}
                self={person.care4wId === props.me}
                resetLink={resetLink}
                setActive={setActive}
                setRole={setRole}
              />
              {issued.value?.care4wId === person.care4wId && <IssuedLink issued={issued.value} />}
            </li>
          ))}
        </ul>
      )}
      {next.value && (
        <div>
          <button
            type="button"
            class="button small secondary"
            onClick={() => load(query.value, next.value!)}
          >
            Show more people
          </button>
        </div>
      )}
    </div>
  );
}

/** What the status line says after a search. */
function foundText(q: string, found: number, more: boolean): string {
  return found === 0
    ? `Nobody matches “${q}”.`
    : `${found}${more ? " or more" : ""} found for “${q}”.`;
}

/** Posts one action on a colleague: the answer, or the words that say why it failed. */
async function post(
  care4wId: string,
  action: string,
  body: unknown,
): Promise<{ answer: Record<string, unknown> } | { error: string }> {
  try {
    const response = await fetch(`${API}/${encodeURIComponent(care4wId)}/${action}`, {
      method: "POST",
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) return { error: await detailOf(response, "That did not work. Try again.") };
    return { answer: await response.json() };
  } catch {
    return { error: UNREACHABLE };
  }
}

/** The search box: the server searches names, emails and CareFlow IDs; blank shows everyone. */
function SearchForm(props: { searching: boolean; search: (q: string) => void }) {
  const submit = (event: TargetedEvent<HTMLFormElement>) => {
    event.preventDefault();
    props.search(String(new FormData(event.currentTarget).get("q") ?? "").trim());
  };
  return (
    <form class="filters people-search" role="search" onSubmit={submit}>
      <label>
        Search people
        <input
          type="search"
          name="q"
          maxLength={100}
          autocomplete="off"
          placeholder="Name, email or care4w-…"
        />
      </label>
      <button type="submit" class="button small">Search</button>
      {props.searching && (
        <button
          type="button"
          class="button small secondary"
          onClick={() => props.search("")}
        >
          Show everyone
        </button>
      )}
    </form>
  );
}

/** Who a colleague is and the state of their account, phone password included (never itself). */
function PersonFacts({ person }: { person: Person }) {
  return (
    <div>
      <strong>{person.displayName}</strong>
      <span class="person-facts">
        {person.email} · <code>{person.care4wId}</code>
        {person.role === "admin" && " · admin"}
        {!person.active && " · deactivated"}
        {!person.local && " · Firebase sign-in"}
        {person.phonePassword ? " · phone password set" : " · no phone password"}
      </span>
    </div>
  );
}

/**
 * The buttons of one colleague's row; each one's accessible name starts with its visible words
 * and adds the person, so a screen reader's list of buttons tells the rows apart.
 */
function Actions(props: {
  person: Person;
  /** The admin's own row: only "Make user" (their own account is changed in Settings). */
  self: boolean;
  resetLink: (p: Person) => void;
  setActive: (p: Person, active: boolean) => void;
  setRole: (p: Person, role: Person["role"]) => void;
}) {
  const { person } = props;
  const name = person.displayName;
  const role = (
    <button
      type="button"
      class="button small secondary"
      aria-label={`${person.role === "admin" ? "Make user" : "Make admin"} (${name})`}
      onClick={() => props.setRole(person, person.role === "admin" ? "user" : "admin")}
    >
      {person.role === "admin" ? "Make user" : "Make admin"}
    </button>
  );
  if (props.self) {
    return (
      <div class="person-actions">
        <span class="hint">This is you: change your own account in Settings.</span>
        {person.role === "admin" && role}
      </div>
    );
  }
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
      {role}
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
