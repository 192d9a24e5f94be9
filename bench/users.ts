/** Bench users, signed up through the real API of an app (as a person would, one by one). */

/** A signed-up bench user. */
export interface BenchUser {
  /** `cf_session=...`, ready for a `cookie` header. */
  cookie: string;
  care4wId: string;
}

/** Signs up `count` users (`bench<n>@example.org`) through `app`'s `/api/auth/signup`. */
export async function signUpBenchUsers(
  app: { request(path: string, init: RequestInit): Response | Promise<Response> },
  count: number,
): Promise<BenchUser[]> {
  const users: BenchUser[] = [];
  for (let n = 0; n < count; n++) {
    const response = await app.request("/api/auth/signup", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        email: `bench${n}@example.org`,
        password: "bench password 123",
        displayName: `Bench ${n}`,
      }),
    });
    const body = await response.json();
    const cookie = response.headers.get("set-cookie")?.match(/cf_session=[^;]+/)?.[0];
    if (!cookie) throw new Error(`bench signup failed: ${JSON.stringify(body)}`);
    users.push({ cookie, care4wId: body.user.care4wId });
  }
  return users;
}
