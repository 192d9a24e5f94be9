import { PublicLayout } from "../components/PublicLayout.tsx";
import { AuthForm } from "../islands/mod.ts";

/** `/signup`. */
export function SignupPage() {
  return (
    <PublicLayout>
      <section class="narrow">
        <h1>Create your CareFlow account</h1>
        <p>You get your own CareFlow ID straight away.</p>
        <AuthForm mode="signup" />
        <p>
          Already have an account? <a href="/login">Sign in</a>
        </p>
      </section>
    </PublicLayout>
  );
}

/** `/login`. */
export function LoginPage() {
  return (
    <PublicLayout>
      <section class="narrow">
        <h1>Sign in to CareFlow</h1>
        <AuthForm mode="login" />
        <p>
          New here? <a href="/signup">Create an account</a>
        </p>
      </section>
    </PublicLayout>
  );
}
