import { PublicLayout } from "../components/PublicLayout.tsx";
import { AuthForm } from "../islands/mod.ts";
import { SignupBody } from "../../shared/api.ts";
import { INVALID_INVITATION } from "../auth/invitations.ts";

/** What a refused form post shows again: the server's words and the typed values. */
export interface FormState {
  message?: string;
  fieldErrors?: { field: string; message: string }[];
  values?: Record<string, string>;
}

/**
 * `/signup`. By invitation (`SIGNUP=invite`), the form appears only with a link's code
 * (`?invite=`), which it sends along; whether the code is good is the sign-up's to say, with the
 * same answer for every reason.
 */
export function SignupPage(props: { mode: "invite" | "open"; invite?: string; form?: FormState }) {
  const invite = props.mode === "invite" ? props.invite : undefined;
  const wellFormed = invite ? SignupBody.shape.invite.safeParse(invite).success : false;
  return (
    <PublicLayout>
      <section class="narrow">
        <h1>Create your CareFlow account</h1>
        {props.mode === "open"
          ? (
            <>
              <p>You get your own CareFlow ID straight away.</p>
              <AuthForm mode="signup" {...props.form} />
            </>
          )
          : wellFormed
          ? (
            <>
              <p>
                You were invited to CareFlow: sign up with the email address you were invited with,
                and you get your own CareFlow ID straight away.
              </p>
              <AuthForm mode="signup" invite={invite} {...props.form} />
            </>
          )
          : (
            <p class="card" role="status" data-testid="signup-closed">
              {invite
                ? INVALID_INVITATION
                : "CareFlow accounts are by invitation. Ask your administrator for a link."}
            </p>
          )}
        <p>
          Already have an account? <a href="/login">Sign in</a>
        </p>
      </section>
    </PublicLayout>
  );
}

/** `/login`; after a refused form post, with what the server said. */
export function LoginPage(props: { form?: FormState }) {
  return (
    <PublicLayout>
      <section class="narrow">
        <h1>Sign in to CareFlow</h1>
        <AuthForm mode="login" {...props.form} />
        <p>
          New here? <a href="/signup">Create an account</a>
        </p>
      </section>
    </PublicLayout>
  );
}
