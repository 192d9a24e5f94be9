/** The page for an unknown address: plain HTML, no islands, no script. */
export function notFoundPage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found · CareFlow` +
    `</title><link rel="stylesheet" href="/static/styles.css"></head><body><main class="narrow">` +
    `<h1>Page not found</h1><p><a href="/">Back to CareFlow</a></p></main></body></html>`;
}
