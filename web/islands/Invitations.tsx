import { useSignal } from "@preact/signals";
import type { TargetedEvent } from "preact";
import { useEffect } from "preact/hooks";

/** A pending invitation as `GET /api/admin/invitations` lists it (never with its link). */
interface PendingInvitation {
  id: string;
  email: string;
  invitedBy: string;
  createdAt: string;
  expiresAt: string;
}

/** A fresh invitation: its link is shown this once, for the admin to pass on. */
interface Created {
  email: string;
  link: string;
  expiresAt: string;
}

const API = "/api/admin/invitations";
const UNREACHABLE = "CareFlow could not be reached. Check your connection and try again.";

/** The server's own words from a problem document, else `fallback`. */
async function detailOf(response: Response, fallback: string): Promise<string> {
  const body = await response.json().catch(() => ({}));
  return typeof body.detail === "string" ? body.detail : fallback;
}

const day = (iso: string) => new Date(iso).toLocaleDateString();

/**
 * "Invite a colleague", for admins in the Admin section: sign-up is by invitation, so an admin
 * invites an email, passes the link on (there is no mail), and sees and revokes pending ones.
 */
export default function Invitations() {
  const pending = useSignal<PendingInvitation[] | null>(null);
  const created = useSignal<Created | null>(null);
  const error = useSignal<string | null>(null);
  const emailError = useSignal<string | null>(null);
  const busy = useSignal(false);

  const load = async () => {
    try {
      const response = await fetch(API);
      if (!response.ok) {
        throw new Error(await detailOf(response, "Invitations could not be loaded."));
      }
      pending.value = (await response.json()).invitations;
    } catch (failure) {
      error.value = failure instanceof TypeError ? UNREACHABLE : (failure as Error).message;
    }
  };
  useEffect(() => void load(), []);

  const invite = async (event: TargetedEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    busy.value = true;
    error.value = emailError.value = null;
    created.value = null;
    try {
      const response = await fetch(API, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: new FormData(form).get("email") }),
      });
      if (response.ok) {
        created.value = await response.json();
        form.reset();
        await load();
      } else {
        const body = await response.json().catch(() => ({}));
        const field = Array.isArray(body.errors) ? body.errors[0]?.message : undefined;
        if (field) emailError.value = `This email ${field}.`;
        else error.value = body.detail ?? "The invitation could not be made.";
      }
    } catch {
      error.value = UNREACHABLE;
    }
    busy.value = false;
  };

  const revoke = async (invitation: PendingInvitation) => {
    error.value = null;
    try {
      const response = await fetch(`${API}/${encodeURIComponent(invitation.id)}`, {
        method: "DELETE",
      });
      if (!response.ok && response.status !== 404) {
        error.value = await detailOf(response, "The invitation could not be revoked.");
      }
      if (created.value?.email === invitation.email) created.value = null;
      await load();
    } catch {
      error.value = UNREACHABLE;
    }
  };

  return (
    <div class="form invitations" data-testid="invitations">
      <form class="form" onSubmit={invite} noValidate>
        <div class="field">
          <label for="invite-email">Colleague's email</label>
          <input
            id="invite-email"
            name="email"
            type="email"
            autocomplete="off"
            required
            aria-invalid={emailError.value ? "true" : undefined}
            aria-describedby={emailError.value ? "invite-email-error" : undefined}
          />
          {emailError.value && <p class="field-error" id="invite-email-error">{emailError.value}
          </p>}
        </div>
        <div>
          <button type="submit" class="button small" disabled={busy.value}>Invite</button>
        </div>
      </form>
      {created.value && <CreatedLink created={created.value} />}
      {error.value && <p class="form-error" role="alert">{error.value}</p>}
      <h3>Pending invitations</h3>
      <PendingList pending={pending.value} revoke={revoke} />
    </div>
  );
}

/** The new invitation's link, to copy and pass on: shown this once. */
function CreatedLink(props: { created: Created }) {
  const state = useSignal<"idle" | "copied" | "failed">("idle");
  const { email, link, expiresAt } = props.created;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link);
      state.value = "copied";
    } catch {
      state.value = "failed";
    }
  };
  return (
    <div class="field" role="status">
      <label for="invite-link">
        Link for {email}, good until {day(expiresAt)}: send it to them yourself
      </label>
      <input id="invite-link" readOnly value={link} onFocus={(e) => e.currentTarget.select()} />
      <div>
        <button type="button" class="button small" onClick={copy}>
          {state.value === "copied" ? "Copied" : "Copy link"}
        </button>
      </div>
      {state.value === "failed" && (
        <p class="hint">The link could not be copied: select it and copy it yourself.</p>
      )}
    </div>
  );
}

/** Invitations waiting to be used, each with its revoke button. */
function PendingList(
  props: { pending: PendingInvitation[] | null; revoke: (i: PendingInvitation) => void },
) {
  if (props.pending === null) return <p class="notice">Loading…</p>;
  if (props.pending.length === 0) {
    return <p class="notice">No invitation is waiting to be used.</p>;
  }
  return (
    <ul class="invitation-list">
      {props.pending.map((invitation) => (
        <li key={invitation.id}>
          <span>
            <strong>{invitation.email}</strong>, invited by {invitation.invitedBy} on{" "}
            {day(invitation.createdAt)}, good until {day(invitation.expiresAt)}
          </span>{" "}
          <button
            type="button"
            class="button small secondary"
            aria-label={`Revoke the invitation of ${invitation.email}`}
            onClick={() => props.revoke(invitation)}
          >
            Revoke
          </button>
        </li>
      ))}
    </ul>
  );
}
