import type { ComponentChildren } from "preact";
import { CopyButton, Phone } from "../islands/mod.ts";
import { PrimaryContent } from "../render/island.ts";

/** History's address: its badge (calls missed since it was last opened) shows on the phone too. */
const HISTORY = "/dashboard/history";

/** One entry of the section navigation. */
export interface NavEntry {
  href: string;
  label: string;
  current: boolean;
  /** A count next to the label, and what it means to a screen reader ("2 unread"). */
  badge?: { count: number; label: string };
}

/** The count as shown: large ones are capped so the navigation keeps its size. */
function NavBadge(props: { count: number; label: string }) {
  return (
    <span class="nav-badge" data-testid="nav-badge">
      <span aria-hidden="true">{props.count > 99 ? "99+" : props.count}</span>
      <span class="visually-hidden">({props.label})</span>
    </span>
  );
}

export interface AppShellProps {
  user: { displayName: string; care4wId: string };
  nav: NavEntry[];
  children: ComponentChildren;
}

/** The signed-in frame: who you are, your CareFlow ID to share, and the sections. */
export function AppShell({ user, nav, children }: AppShellProps) {
  return (
    <div class="shell">
      <header class="topbar">
        <a class="brand" href="/dashboard">CareFlow</a>
        <div class="identity">
          <span class="identity-name" data-testid="display-name">{user.displayName}</span>
          <span class="identity-id">
            <code data-testid="care4w-id">{user.care4wId}</code>
            <CopyButton text={user.care4wId} label="Copy CareFlow ID" />
          </span>
        </div>
        <form method="post" action="/logout" class="signout">
          <button type="submit" class="link">Sign out</button>
        </form>
      </header>
      <nav class="tabs" aria-label="Sections">
        {nav.map((item) => (
          <a href={item.href} aria-current={item.current ? "page" : undefined}>
            {item.label}
            {item.badge && <NavBadge {...item.badge} />}
          </a>
        ))}
      </nav>
      {/* Outside <main>, which section navigation swaps: the call stays on every section. */}
      <div class="phone-slot">
        <Phone missed={nav.find((item) => item.href === HISTORY)?.badge?.count ?? 0} />
      </div>
      <main class="content">
        <PrimaryContent.Provider value>{children}</PrimaryContent.Provider>
      </main>
    </div>
  );
}

/** What a section shows before it has anything. */
export function EmptyState(props: { title: string; children: ComponentChildren }) {
  return (
    <section class="empty">
      <h1>{props.title}</h1>
      <p>{props.children}</p>
    </section>
  );
}
