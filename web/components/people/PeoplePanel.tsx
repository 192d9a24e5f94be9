/**
 * "People" on the Dialer: do-not-disturb, favourites, recent contacts and the directory's search,
 * each colleague with their presence; a name calls them through the phone, a star keeps them in
 * favourites. A chunk of its own, loaded by the Dialer once it runs (not part of the dashboard's
 * up-front script). Presence is asked again every `REFRESH_MS` while the page is visible.
 */
import { useSignal } from "@preact/signals";
import type { TargetedEvent } from "preact";
import { useEffect } from "preact/hooks";
import { applySettings, loadSettings } from "../../client/settings.ts";
import {
  type Colleague,
  type DirectoryPage,
  listOf,
  searchDirectory,
  setDoNotDisturb,
  setFavourite,
} from "./people-api.ts";
import { PersonList, type RowActions } from "./PersonList.tsx";

const REFRESH_MS = 15_000;
const UNREACHABLE = "CareFlow could not be reached. Check your connection and try again.";

/** The panel; `call` dials a CareFlow ID, `canCall` says whether the phone can now. */
export function PeoplePanel(
  props: { call(care4wId: string, displayName?: string): void; canCall: boolean },
) {
  const { favourites, recent, found, dnd, error, attempt, search, refresh } = usePeople();
  const query = useSignal("");

  const actions: RowActions = {
    call: props.call,
    canCall: props.canCall,
    star: (person) =>
      void attempt(async () => {
        await setFavourite(person.care4wId, !person.favourite);
        await refresh();
      }),
  };
  const toggleDnd = (event: TargetedEvent<HTMLInputElement>) => {
    const on = event.currentTarget.checked;
    void attempt(async () => {
      const saved = await setDoNotDisturb(on);
      applySettings(saved);
      dnd.value = saved.presence.doNotDisturb;
    });
  };
  const submit = (event: TargetedEvent<HTMLFormElement>) => {
    event.preventDefault();
    void search(query.value.trim());
  };

  return (
    <section class="people card" aria-labelledby="people-title">
      <h2 id="people-title">People</h2>
      <label class="check dnd-toggle">
        <input
          type="checkbox"
          checked={dnd.value ?? false}
          disabled={dnd.value === null}
          onChange={toggleDnd}
          data-testid="dnd"
        />
        Do not disturb: colleagues' calls are answered "busy"
      </label>
      {error.value && <p class="form-error" role="alert">{error.value}</p>}
      <div class="people-head">
        <h3>Favourites</h3>
        <button type="button" class="button small secondary" onClick={() => void refresh()}>
          Refresh
        </button>
      </div>
      {favourites.value === null ? <p class="hint" role="status">Loading…</p> : (
        <PersonList
          people={favourites.value}
          label="Favourites"
          empty="Star a colleague to keep them here."
          actions={actions}
        />
      )}
      <h3>Recent</h3>
      <PersonList
        people={recent.value}
        label="Recent contacts"
        empty="Colleagues you call, or who call you, show here."
        actions={actions}
      />
      <h3>Colleagues</h3>
      <form class="people-search" role="search" onSubmit={submit}>
        <label for="people-q" class="visually-hidden">Search by name or CareFlow ID</label>
        <input
          id="people-q"
          type="search"
          maxLength={100}
          placeholder="Name or CareFlow ID"
          value={query.value}
          onInput={(event) => (query.value = event.currentTarget.value)}
        />
        <button type="submit" class="button small">Search</button>
      </form>
      <PersonList
        people={found.value.people}
        label="Colleagues"
        empty={found.value.q ? `Nobody matches “${found.value.q}”.` : "Nobody else is here yet."}
        actions={actions}
      />
      {found.value.next !== null && (
        <button
          type="button"
          class="button small secondary"
          onClick={() => void search(found.value.q, found.value.next!)}
        >
          More
        </button>
      )}
    </section>
  );
}

/**
 * The panel's lists and what changes them; presence is asked again every `REFRESH_MS` while the
 * page is visible.
 */
function usePeople() {
  const favourites = useSignal<Colleague[] | null>(null);
  const recent = useSignal<Colleague[]>([]);
  const found = useSignal<DirectoryPage & { q: string; page: number }>({
    people: [],
    next: null,
    q: "",
    page: 1,
  });
  const dnd = useSignal<boolean | null>(null);
  const error = useSignal<string | null>(null);
  const attempt = async (work: () => Promise<void>) => {
    try {
      error.value = null;
      await work();
    } catch (failure) {
      error.value = failure instanceof TypeError ? UNREACHABLE : (failure as Error).message;
    }
  };
  const search = (q: string, page = 1) =>
    attempt(async () => {
      const result = await searchDirectory(q, page);
      const people = page > 1 ? [...found.peek().people, ...result.people] : result.people;
      found.value = { ...result, people, q, page };
    });
  const refresh = () =>
    attempt(async () => {
      const [starred, latest] = await Promise.all([listOf("favourites"), listOf("recent")]);
      favourites.value = starred;
      recent.value = latest;
      await search(found.peek().q);
    });
  useEffect(() => {
    void refresh();
    void loadSettings().then((settings) => (dnd.value = settings.presence.doNotDisturb));
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") void refresh();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, []);

  return { favourites, recent, found, dnd, error, attempt, search, refresh };
}
