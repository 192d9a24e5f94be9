/**
 * The dashboard's sections, from one table: address, navigation label, page title and what the
 * section shows. Adding a section is one entry here (and, when it is interactive, one island).
 */
import type { VNode } from "preact";
import { EmptyState } from "../components/AppShell.tsx";
import { CallHistory, Dialer, SipSettings } from "../islands/mod.ts";
import type { User } from "../store/mod.ts";

/** What a section is rendered from. */
export interface SectionContext {
  user: User;
  /** A prefilled dial target ("Call back" links), already validated. */
  dial?: string;
}

export interface Section {
  /** Path segment under /dashboard; "" for the dashboard itself. */
  slug: string;
  /** Navigation label, also the page title. */
  label: string;
  render(context: SectionContext): VNode;
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
  },
  {
    slug: "recordings",
    label: "Recordings",
    render: () => (
      <EmptyState title="Recordings">
        No recordings yet. Recorded calls and voicemail appear here, for you only.
      </EmptyState>
    ),
  },
  {
    slug: "analytics",
    label: "Analytics",
    render: () => (
      <EmptyState title="Analytics">
        Your call statistics appear here after your first calls.
      </EmptyState>
    ),
  },
  {
    slug: "settings",
    label: "Settings",
    render: ({ user }) => (
      <section class="card settings" aria-labelledby="settings-title">
        <h1 id="settings-title">Settings</h1>
        <p>Your CareFlow ID is {user.care4wId}.</p>
        <h2>SIP phone</h2>
        <p class="hint">
          Use these settings in a desk phone or a mobile SIP app to make and take CareFlow calls.
        </p>
        <SipSettings />
      </section>
    ),
  },
];

/** The address of a section. */
export function sectionHref(section: Section): string {
  return section.slug ? `/dashboard/${section.slug}` : "/dashboard";
}

/** The section at `slug`, or undefined. */
export function findSection(slug: string): Section | undefined {
  return SECTIONS.find((section) => section.slug === slug);
}
