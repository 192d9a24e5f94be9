import type { ComponentChildren } from "preact";
import { CopyButton } from "../islands/mod.ts";

export type Section = "dialer" | "history" | "recordings" | "analytics" | "settings";

const NAV: { section: Section; href: string; label: string }[] = [
  { section: "dialer", href: "/dashboard", label: "Dialer" },
  { section: "history", href: "/dashboard/history", label: "History" },
  { section: "recordings", href: "/dashboard/recordings", label: "Recordings" },
  { section: "analytics", href: "/dashboard/analytics", label: "Analytics" },
  { section: "settings", href: "/dashboard/settings", label: "Settings" },
];

export interface AppShellProps {
  user: { displayName: string; care4wId: string };
  current: Section;
  children: ComponentChildren;
}

/** The signed-in frame: who you are, your CareFlow ID to share, and the sections. */
export function AppShell({ user, current, children }: AppShellProps) {
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
        {NAV.map((item) => (
          <a href={item.href} aria-current={item.section === current ? "page" : undefined}>
            {item.label}
          </a>
        ))}
      </nav>
      <main class="content">{children}</main>
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
