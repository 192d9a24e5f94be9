import { AppShell, EmptyState, type Section } from "../components/AppShell.tsx";
import { CallHistory, Dialer } from "../islands/mod.ts";
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
        <EmptyState title="Settings">
          Your CareFlow ID is {user.care4wId}. Phone and recording settings appear here.
        </EmptyState>
      )}
    </AppShell>
  );
}
