import { PublicLayout } from "../components/PublicLayout.tsx";

/** The landing page. It has no island, so it ships no JavaScript (a tested promise). */
export function LandingPage(props: { signupMode: "invite" | "open" }) {
  return (
    <PublicLayout>
      <section class="hero">
        <h1>Calls for care teams, without the fuss.</h1>
        <p class="lead">
          Every care worker gets a CareFlow ID. Call a colleague by their ID, or an outside phone,
          from your browser, a desk phone or a mobile SIP app.
        </p>
        <p class="actions">
          <a class="button" href="/login">Sign in</a>
          <a class="button secondary" href="/signup">Create your account</a>
        </p>
        {props.signupMode === "invite" && (
          <p class="hint">Accounts are by invitation: your administrator sends you a link.</p>
        )}
      </section>
      <section class="features" aria-label="What CareFlow does">
        <article>
          <h2>One ID per person</h2>
          <p>
            Share <code>care4w-1000001</code> instead of a private number.
          </p>
        </article>
        <article>
          <h2>Browser, desk phone or mobile</h2>
          <p>Sign in anywhere; every device you use rings together.</p>
        </article>
        <article>
          <h2>History that is yours</h2>
          <p>Calls, recordings and voicemail stay with the worker who took them.</p>
        </article>
      </section>
    </PublicLayout>
  );
}
