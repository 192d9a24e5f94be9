/**
 * pbx/freeswitch's dialplan, checked without FreeSWITCH: the media contract
 * (shared/media-contract.ts) kept, every context named exists, and the caller's identity, the
 * recording request, the ring timeout and the calling number read as meant.
 */
import assert from "node:assert/strict";
import { MEDIA_HEADERS, MEDIA_VARIABLES } from "../../shared/media-contract.ts";
import { actions, child, children, params } from "./testing/config-files.ts";
import { DIALPLAN, SOFIA } from "./testing/config-shared.ts";
import { walk } from "./testing/xml.ts";

/** Every action's data that sets a variable: `set`/`export` with "name=value". */
function assignments(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const dialplan of DIALPLAN) {
    for (const action of actions(dialplan)) {
      if (!["set", "export"].includes(action.attrs.application)) continue;
      const [name, ...rest] = (action.attrs.data ?? "").split("=");
      found.set(name, [...(found.get(name) ?? []), rest.join("=")]);
    }
  }
  return found;
}

Deno.test("the dialplan sets every MEDIA_VARIABLES name and reads the MEDIA_HEADERS", () => {
  const set = assignments();
  for (const name of Object.values(MEDIA_VARIABLES)) {
    assert.ok(set.has(name), `the dialplan never sets ${name}`);
  }
  // The path is set before the recording starts, in the same extension.
  for (const dialplan of DIALPLAN) {
    for (const extension of [...walk(dialplan)].filter((e) => e.name === "extension")) {
      const list = actions(extension).map((a) => `${a.attrs.application} ${a.attrs.data ?? ""}`);
      const recording = list.findIndex((a) => /^(record|record_session) /.test(a));
      if (recording < 0) continue;
      const before = list.slice(0, recording).join("\n");
      assert.match(before, new RegExp(`^set ${MEDIA_VARIABLES.recordingPath}=`, "m"));
      assert.match(
        before,
        new RegExp(`^set ${MEDIA_VARIABLES.recordingKind}=(call|voicemail)$`, "m"),
      );
      assert.equal(list[recording].split(" ")[1], `\${${MEDIA_VARIABLES.recordingPath}}`);
    }
  }
  // Sofia names an X- header's variable sip_h_<header>; P-Asserted-Identity (a header sofia-sip
  // parses itself) it keeps in sip_P-Asserted-Identity, whole with p-asserted-id-parse=verbatim.
  const fields = DIALPLAN.flatMap((d) => [...walk(d)]).map((e) => e.attrs.field ?? "").join("\n");
  for (const header of Object.values(MEDIA_HEADERS)) {
    const variable = header === "P-Asserted-Identity" ? `sip_${header}` : `sip_h_${header}`;
    assert.ok(fields.includes(`\${${variable}}`), `the dialplan never reads ${header}`);
  }
  const kamailio = params(
    child(child(child(SOFIA, "profiles"), "profile", "kamailio"), "settings"),
  );
  assert.equal(kamailio.get("p-asserted-id-parse"), "verbatim");
});

Deno.test("every context a profile, gateway, transfer or execute_extension names exists", () => {
  const contexts = new Set(
    DIALPLAN.flatMap((d) => children(d, "context")).map((c) => c.attrs.name),
  );
  const named: string[] = [];
  for (const element of walk(SOFIA)) {
    if (element.name === "param" && element.attrs.name === "context") {
      named.push(element.attrs.value);
    }
  }
  assert.deepEqual(new Set(named), new Set(["from-kamailio", "from-trunk"]));
  for (const dialplan of DIALPLAN) {
    for (const action of actions(dialplan)) {
      const data = action.attrs.data ?? "";
      const target = action.attrs.application === "transfer"
        ? data
        : /^bridge_pre_execute_aleg_data=(.*)$/.exec(data)?.[1];
      if (target) named.push(/^\S+ XML (\S+)$/.exec(target)?.[1] ?? `(bad: ${target})`);
    }
  }
  for (const name of named) assert.ok(contexts.has(name), `no context ${name}`);
});

/** The `expression` of the condition on `field` in `context`, compiled as JavaScript does. */
function expression(context: string, field: string): RegExp {
  for (const dialplan of DIALPLAN) {
    for (const c of children(dialplan, "context", context)) {
      const found = [...walk(c)].find((e) => e.name === "condition" && e.attrs.field === field);
      if (found) return new RegExp(found.attrs.expression);
    }
  }
  throw new Error(`no condition on ${field} in ${context}`);
}

Deno.test("the caller's identity comes from P-Asserted-Identity alone", () => {
  // $1 quoted display name, $2 unquoted one, $3 the CareFlow ID (careflow_caller).
  const pai = expression("from-kamailio", "${sip_P-Asserted-Identity}");
  const parse = (header: string) => {
    const m = pai.exec(header);
    return m ? { name: `${m[1] ?? ""}${m[2] ?? ""}`, id: m[3] } : null;
  };
  assert.deepEqual(parse('"Alice Smith" <sip:care4w-1000001@careflow.test>'), {
    name: "Alice Smith",
    id: "care4w-1000001",
  });
  assert.deepEqual(parse("Bob <sip:care4w-1000002@careflow.test>"), {
    name: "Bob",
    id: "care4w-1000002",
  });
  assert.deepEqual(parse("<sip:care4w-1000003@careflow.test>"), { name: "", id: "care4w-1000003" });
  assert.deepEqual(parse('"Al \\"Pal\\" Jones" <sip:care4w-1000004@x.test>'), {
    name: 'Al \\"Pal\\" Jones',
    id: "care4w-1000004",
  });
  assert.equal(parse("<sip:+15551234567@careflow.test>"), null);
  assert.equal(parse('"x" <sip:care4w-100@careflow.test>'), null);
  assert.equal(parse('"x" <sip:care4w-10000011@careflow.test>'), null);

  // The CareFlow ID stands in for a missing name, and for one FreeSWITCH cannot put in the
  // B-leg's From (a quote or backslash makes the bridge fail: "Error creating HANDLE", 502).
  const replaced = expression("from-kamailio", "${careflow_caller_name}");
  assert.deepEqual(
    ["", 'Al \\"Pal\\" Jones', "a\\b", "Alice Smith", "O'Neil, A & B"].map((n) => replaced.test(n)),
    [true, true, true, false, false],
  );

  const recordFor = expression("from-kamailio", "${sip_h_X-CareFlow-Record-For}");
  assert.ok(recordFor.test("care4w-1000001"));
  assert.ok(recordFor.test("care4w-1000001,care4w-1000002"));
  assert.ok(!recordFor.test("care4w-1000001, care4w-1000002"));
  assert.ok(!recordFor.test("care4w-1000001,${system(id)}"));
  const ring = expression("from-kamailio", "${sip_h_X-CareFlow-Ring-Timeout}");
  assert.deepEqual(["45", "5", "120", "0", "1000", "4s"].map((t) => ring.test(t)), [
    true,
    true,
    true,
    false,
    false,
    false,
  ]);
  const number = expression("careflow-pstn", "${sip_h_X-CareFlow-Caller-Number}");
  assert.ok(number.test("+442071234567"));
  assert.ok(!number.test("care4w-1000001"));
  assert.ok(!number.test("02071234567"));
});
