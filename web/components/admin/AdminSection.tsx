/**
 * The Admin section: people (search, roles, deactivation, reset links, phone-password status)
 * and invitations as islands; the organisation's totals, the recordings access trail and system
 * health rendered on the server from what `load.tsx` read.
 */
import type { AnalyticsReport } from "../../../shared/analytics.ts";
import type { SystemHealth } from "../../admin/health.ts";
import type { AdminTrailPage } from "../../admin/trail.ts";
import { Invitations, People } from "../../islands/mod.ts";
import { HealthPanel } from "./HealthPanel.tsx";
import { OrgSummary } from "./OrgSummary.tsx";
import { TrailForm, TrailTable, type TrailValues } from "./TrailTable.tsx";

/** What the server read for the section; absent parts say they are not available. */
export interface AdminView {
  organisation: AnalyticsReport | null;
  trail:
    | { kind: "page"; values: TrailValues; page: AdminTrailPage }
    | { kind: "invalid"; values: TrailValues; errors: Record<string, string> }
    | { kind: "unavailable" };
  health: SystemHealth | null;
}

/** The section for the admin `me` (their CareFlow ID, so People knows their own row). */
export function AdminSection(props: { me: string; view: AdminView }) {
  const { view } = props;
  const trail = view.trail;
  return (
    <section class="card admin" aria-labelledby="admin-title">
      <h1 id="admin-title">Admin</h1>
      <h2 id="people">People</h2>
      <p class="hint">
        Find a colleague by name, email or CareFlow ID. Forgotten passwords: make a reset link and
        pass it on yourself; it works once, for a short while.
      </p>
      <People me={props.me} />
      <h2 id="invite">Invite a colleague</h2>
      <p class="hint">
        CareFlow accounts are by invitation: invite an email and send its link yourself.
      </p>
      <Invitations />
      <h2 id="organisation">Organisation analytics</h2>
      <OrgSummary report={view.organisation} />
      <h2 id="access-trail">Recordings access trail</h2>
      <p class="hint">
        Every play, download, delete and purge of a recording, newest first. The chain of entries is
        tamper-evident: <a href="/api/admin/access-trail/verify">check it</a>.
      </p>
      {trail.kind === "unavailable"
        ? <p class="notice">The access trail is not available here.</p>
        : (
          <>
            <TrailForm
              values={trail.values}
              errors={trail.kind === "invalid" ? trail.errors : {}}
            />
            {trail.kind === "page" && (
              <TrailTable page={trail.page} values={trail.values} tz={trail.values.tz || "UTC"} />
            )}
          </>
        )}
      <h2 id="health">System health</h2>
      {view.health
        ? <HealthPanel health={view.health} />
        : <p class="notice">System health is not available here.</p>}
    </section>
  );
}
