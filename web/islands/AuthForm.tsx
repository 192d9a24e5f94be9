import { useSignal } from "@preact/signals";
import type { TargetedEvent } from "preact";

interface FieldError {
  field: string;
  message: string;
}

const FIELDS = {
  signup: [
    { name: "displayName", label: "Your name", type: "text", autocomplete: "name" },
    { name: "email", label: "Email", type: "email", autocomplete: "email" },
    {
      name: "password",
      label: "Password (10 characters or more)",
      type: "password",
      autocomplete: "new-password",
    },
  ],
  login: [
    { name: "email", label: "Email", type: "email", autocomplete: "email" },
    { name: "password", label: "Password", type: "password", autocomplete: "current-password" },
  ],
} as const;

/**
 * Sign-up and sign-in form: errors appear next to their field, success opens the dashboard.
 * `invite` is the code of an invitation link, sent with the sign-up. A real form posting to
 * `/login` or `/signup`: before this script runs (or without JavaScript) the browser submits it
 * and the server answers with the dashboard or this page again, with `message`, `fieldErrors`
 * and the typed `values` (never the password); once hydrated it signs in without a page load.
 */
export default function AuthForm(props: {
  mode: "signup" | "login";
  invite?: string;
  message?: string;
  fieldErrors?: FieldError[];
  values?: Record<string, string>;
}) {
  const busy = useSignal(false);
  const message = useSignal<string | null>(props.message ?? null);
  const fieldErrors = useSignal<FieldError[]>(props.fieldErrors ?? []);

  const submit = async (event: TargetedEvent<HTMLFormElement>) => {
    event.preventDefault();
    busy.value = true;
    message.value = null;
    fieldErrors.value = [];
    const body = Object.fromEntries(new FormData(event.currentTarget));
    try {
      const response = await fetch(`/api/auth/${props.mode}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      if (response.ok) {
        location.assign("/dashboard");
        return;
      }
      const problem = await response.json().catch(() => ({}));
      fieldErrors.value = Array.isArray(problem.errors) ? problem.errors : [];
      message.value = fieldErrors.value.length > 0
        ? "Please correct the highlighted fields."
        : problem.detail ?? "Something went wrong. Please try again.";
    } catch {
      message.value = "CareFlow cannot be reached. Check your connection and try again.";
    }
    busy.value = false;
  };

  const errorFor = (name: string) => fieldErrors.value.find((e) => e.field === name)?.message;
  return (
    <form class="card form" method="post" action={`/${props.mode}`} onSubmit={submit} noValidate>
      {FIELDS[props.mode].map((field) => {
        const error = errorFor(field.name);
        return (
          <div class="field">
            <label for={`f-${field.name}`}>{field.label}</label>
            <input
              id={`f-${field.name}`}
              name={field.name}
              // Preact 11 types <input> per `type`; the union of the three is fine at runtime.
              type={field.type as "text"}
              autocomplete={field.autocomplete}
              value={field.type === "password" ? undefined : props.values?.[field.name]}
              required
              aria-invalid={error ? "true" : undefined}
              aria-describedby={error ? `e-${field.name}` : undefined}
            />
            {error && <p class="field-error" id={`e-${field.name}`}>{error}</p>}
          </div>
        );
      })}
      {props.mode === "signup" && props.invite && (
        <input type="hidden" name="invite" value={props.invite} />
      )}
      {message.value && <p class="form-error" role="alert">{message.value}</p>}
      <button type="submit" class="button" disabled={busy.value}>
        {busy.value ? "Please wait…" : props.mode === "signup" ? "Create account" : "Sign in"}
      </button>
    </form>
  );
}
