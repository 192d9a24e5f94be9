/**
 * The dashboard's sections, from one table: address, navigation label, page title and what the
 * section shows. Adding a section is one entry here (and, when it is interactive, one island).
 */
import type { VNode } from "preact";
import {
  AccountSettings,
  CallHistory,
  Dialer,
  PersonalPhone,
  Recordings,
  RecordingSettings,
  SipSettings,
  Voicemail,
} from "../islands/mod.ts";
import type { AnalyticsStore, User } from "../store/mod.ts";
import { AnalyticsSection } from "../components/analytics/AnalyticsSection.tsx";
import { loadAnalyticsSection } from "../components/analytics/load.tsx";
import { AdminSection } from "../components/admin/AdminSection.tsx";
import { type AdminSources, loadAdminSection } from "../components/admin/load.tsx";

/** What a section is rendered from. */
export interface SectionContext {
  user: User;
  /** A prefilled dial target ("Call back" links), already validated. */
  dial?: string;
  /** The page's query string (a section's own GET form, as Analytics' period picker). */
  query?: Record<string, string>;
}

/**
 * Where section badges get their counts. Each source is optional: a page without one shows no
 * badge rather than failing.
 */
export interface BadgeSources {
  /** Unread voicemail of a user (`RecordingStore.countUnlistenedVoicemail`). */
  unlistenedVoicemail?: (userId: string) => Promise<number>;
  /** Calls the user missed since they last opened History (pages.ts works out "since"). */
  missedCalls?: (userId: string) => Promise<number>;
}

/** Where sections that show stored data (`Section.load`) get it; each source is optional. */
export interface SectionSources extends BadgeSources {
  /** Call analytics (`AnalyticsStore`), for the Analytics section. */
  analytics?: AnalyticsStore;
  /** The Admin section's store and health reader. */
  admin?: AdminSources;
}

/** A count next to a section's label in the navigation, worked out when a page renders. */
export interface SectionBadge {
  count(user: User, sources: BadgeSources): Promise<number>;
  /** What the count means, for screen readers: "2 unread". */
  describe(count: number): string;
}

export interface Section {
  /** Path segment under /dashboard; "" for the dashboard itself. */
  slug: string;
  /** Navigation label, also the page title. */
  label: string;
  render(context: SectionContext): VNode;
  /**
   * For a section that shows stored data on the server: renders it from `sources`, awaited
   * before the page (used instead of `render`, which stays the view without data).
   */
  load?(context: SectionContext, sources: SectionSources): Promise<VNode>;
  /** A count shown next to the label (none at 0). */
  badge?: SectionBadge;
  /**
   * Who may see the section at all (everyone without it). For anyone else it is not in the
   * navigation and its address is a 404, as if it did not exist.
   */
  visibleTo?(user: User): boolean;
}

/** In navigation order. */
export const SECTIONS: readonly Section[] = [
  {
    slug: "",
    label: "Dialer",
    render: ({ dial }) => <Dialer initialValue={dial} />,
  },
  {
    slug: "history",
    label: "History",
    render: () => <CallHistory />,
    badge: {
      count: (user, sources) => sources.missedCalls?.(user.id) ?? Promise.resolve(0),
      describe: (count) => `${count} missed`,
    },
  },
  {
    slug: "recordings",
    label: "Recordings",
    render: ({ user }) => <Recordings care4wId={user.care4wId} />,
  },
  {
    slug: "voicemail",
    label: "Voicemail",
    render: () => <Voicemail />,
    badge: {
      count: (user, sources) => sources.unlistenedVoicemail?.(user.id) ?? Promise.resolve(0),
      describe: (count) => `${count} unread`,
    },
  },
  {
    slug: "analytics",
    label: "Analytics",
    render: ({ user }) => (
      <AnalyticsSection view={{ kind: "unavailable" }} admin={user.role === "admin"} />
    ),
    load: ({ user, query }, sources) => loadAnalyticsSection(user, query ?? {}, sources.analytics),
  },
  {
    slug: "settings",
    label: "Settings",
    render: ({ user }) => (
      <section class="card settings" aria-labelledby="settings-title">
        <h1 id="settings-title">Settings</h1>
        <p>
          Your CareFlow ID is <code>{user.care4wId}</code>.
        </p>
        <h2>Account</h2>
        <AccountSettings displayName={user.displayName} local={user.passwordHash !== null} />
        <h2>SIP phone</h2>
        <p class="hint">
          Use these settings in a desk phone or a mobile SIP app to make and take CareFlow calls.
        </p>
        <SipSettings />
        <h2>Calls and recordings</h2>
        <RecordingSettings />
        <h2>Your personal phone</h2>
        <p class="hint">
          Register your own mobile or landline: when you call the organisation's number from it, the
          colleague you reach sees your name and CareFlow ID, never the number.
        </p>
        <PersonalPhone />
        <p class="hint">
          Your voicemail greeting is on the <a href="/dashboard/voicemail">Voicemail</a> page.
        </p>
        {user.role === "admin" && (
          <p class="hint">
            People, invitations and the organisation's figures are in{" "}
            <a href="/dashboard/admin">Admin</a>.
          </p>
        )}
      </section>
    ),
  },
  {
    slug: "admin",
    label: "Admin",
    visibleTo: (user) => user.role === "admin",
    render: ({ user }) => (
      <AdminSection
        me={user.care4wId}
        view={{ organisation: null, trail: { kind: "unavailable" }, health: null }}
      />
    ),
    load: ({ user, query }, sources) => loadAdminSection(user, query ?? {}, sources.admin),
  },
];

/** The sections `user` may see, in navigation order (the navigation shows these). */
export function sectionsFor(user: User): readonly Section[] {
  return SECTIONS.filter((section) => section.visibleTo?.(user) ?? true);
}

/** The address of a section. */
export function sectionHref(section: Section): string {
  return section.slug ? `/dashboard/${section.slug}` : "/dashboard";
}

/**
 * The section at `slug`, or undefined; with `user`, also undefined when it is not theirs to see
 * (the page is then a 404, checked on the server).
 */
export function findSection(slug: string, user?: User): Section | undefined {
  const section = SECTIONS.find((entry) => entry.slug === slug);
  if (section && user && section.visibleTo && !section.visibleTo(user)) return undefined;
  return section;
}
