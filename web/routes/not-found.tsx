/** The page for an unknown address: plain markup, no islands, so no script. */
export function NotFoundPage() {
  return (
    <main class="narrow">
      <h1>Page not found</h1>
      <p>
        <a href="/">Back to CareFlow</a>
      </p>
    </main>
  );
}
