import type { ComponentChildren } from "preact";

/** Frame of the pages seen before signing in. */
export function PublicLayout(props: { children: ComponentChildren }) {
  return (
    <div class="public">
      <header class="public-header">
        <a class="brand" href="/">CareFlow</a>
        <nav aria-label="Account">
          <a href="/login">Sign in</a>
          <a class="button small" href="/signup">Create account</a>
        </nav>
      </header>
      <main>{props.children}</main>
    </div>
  );
}
