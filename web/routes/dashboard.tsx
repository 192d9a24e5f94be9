import { AppShell, EmptyState, type Section } from "../components/AppShell.tsx";
import { CallHistory, Dialer, SipSettings } from "../islands/mod.ts";
import type { User } from "../store/types.ts";

/** What each dashboard section shows; sections not built yet show an honest empty state. */
export function DashboardPage(props: { user: User; section: Section; dial?: string }) {
  const { user, section } = props;
  return (
    <AppShell user={user} current={section}>
      {section === "dialer" && <Dialer initialValue={props.dial} />}
      {section === "history" && <CallHistory />}
      {section === "recordings" && (
        <EmptyState title="Recordings">
          No recordings yet. Recorded calls and voicemail appear here, for you only.
        </EmptyState>
      )}
      {section === "analytics" && (
        <EmptyState title="Analytics">
          Your call statistics appear here after your first calls.
        </EmptyState>
      )}
      {section === "settings" && (
        <section class="card settings" aria-labelledby="settings-title">
          <h1 id="settings-title">Settings</h1>
          <p>Your CareFlow ID is {user.care4wId}.</p>
          <h2>SIP phone</h2>
          <p class="hint">
            Use these settings in a desk phone or a mobile SIP app to make and take CareFlow calls.
          </p>
          <SipSettings />
        </section>
      )}
    </AppShell>
  );
}
