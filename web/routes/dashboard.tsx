import { AppShell } from "../components/AppShell.tsx";
import { type Section, sectionHref, SECTIONS } from "./sections.tsx";
import type { User } from "../store/mod.ts";

/** The signed-in frame around one section. */
export function DashboardPage(props: { user: User; section: Section; dial?: string }) {
  const { user, section } = props;
  const nav = SECTIONS.map((entry) => ({
    href: sectionHref(entry),
    label: entry.label,
    current: entry === section,
  }));
  return (
    <AppShell user={user} nav={nav}>
      {section.render({ user, dial: props.dial })}
    </AppShell>
  );
}
