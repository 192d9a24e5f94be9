import { AppShell } from "../components/AppShell.tsx";
import { type BadgeSources, type Section, sectionHref, sectionsFor } from "./sections.tsx";
import type { VNode } from "preact";
import type { User } from "../store/mod.ts";

/** Section badge counts by slug; sections without a badge, or at 0, are absent. */
export type BadgeCounts = ReadonlyMap<string, number>;

/**
 * The badge counts of every section that has one, for `user`. A count that cannot be had leaves
 * its badge out: the navigation is never the reason a page fails to render.
 */
export async function badgeCounts(user: User, sources: BadgeSources): Promise<BadgeCounts> {
  const counts = new Map<string, number>();
  await Promise.all(
    sectionsFor(user).map(async (section) => {
      if (!section.badge) return;
      const count = await section.badge.count(user, sources).catch(() => 0);
      if (count > 0) counts.set(section.slug, count);
    }),
  );
  return counts;
}

/** The signed-in frame around one section. */
export function DashboardPage(
  props: { user: User; section: Section; dial?: string; badges?: BadgeCounts; content?: VNode },
) {
  const { user, section } = props;
  // Only the sections this person may open: no link that leads to a 404.
  const nav = sectionsFor(user).map((entry) => {
    const count = props.badges?.get(entry.slug);
    return {
      href: sectionHref(entry),
      label: entry.label,
      current: entry === section,
      badge: count && entry.badge ? { count, label: entry.badge.describe(count) } : undefined,
    };
  });
  return (
    <AppShell user={user} nav={nav}>
      {props.content ?? section.render({ user, dial: props.dial })}
    </AppShell>
  );
}
