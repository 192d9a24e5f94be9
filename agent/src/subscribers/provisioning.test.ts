import { expect, test } from "bun:test";
import { createProvisioning, invalidationFor } from "./provisioning.ts";

const a = "0123456789abcdef0123456789abcdef";
const b = "fedcba9876543210fedcba9876543210";
const entry = (ha1: string | null, active = true, negative = false) => ({ ha1, active, negative });
const both = { dropCachedHa1: true, removeRegistrations: true };
const everything = { ...both, endCalls: true };

test("deactivation always drops the cache and registrations, and ends the user's calls", () => {
  expect(invalidationFor(entry(a), { ha1: a, active: false })).toEqual(everything);
  expect(invalidationFor(entry(a, false), { ha1: a, active: false })).toEqual(everything);
  expect(invalidationFor(null, { ha1: null, active: false })).toEqual(everything);
});

test("an unknown previous state assumes the worst", () => {
  expect(invalidationFor(null, { ha1: a, active: true })).toEqual(both);
});

test("rotation removes registrations; a first password or no change does not", () => {
  expect(invalidationFor(entry(a), { ha1: b, active: true })).toEqual(both);
  expect(invalidationFor(entry(a), { ha1: null, active: true })).toEqual(both);
  expect(invalidationFor(entry(null), { ha1: a, active: true })).toEqual({
    dropCachedHa1: true,
    removeRegistrations: false,
  });
  expect(invalidationFor(entry(a), { ha1: a, active: true })).toEqual({
    dropCachedHa1: false,
    removeRegistrations: false,
  });
});

test("replacing a cached unknown-user answer only drops the cache", () => {
  expect(invalidationFor(entry(null, false, true), { ha1: a, active: true })).toEqual({
    dropCachedHa1: true,
    removeRegistrations: false,
  });
});

test("a profile listener that fails comes after Kamailio was told, so a rotation is never lost", async () => {
  const entries = new Map<string, { ha1: string | null; active: boolean }>([
    ["care4w-1000001", { ha1: a, active: true }],
  ]);
  const store = {
    readEntry: (id: string) => {
      const found = entries.get(id);
      return Promise.resolve(found ? { ...found, negative: false } : null);
    },
    write: (id: string, value: { ha1: string | null; active: boolean }) => {
      entries.set(id, { ha1: value.ha1, active: value.active });
      return Promise.resolve();
    },
  } as unknown as Parameters<typeof createProvisioning>[0];
  const told: string[] = [];
  const provisioning = createProvisioning(
    store,
    (id, what) => {
      told.push(`${id} ${what.removeRegistrations ? "registrations" : "cache"}`);
      return Promise.resolve();
    },
    () => Promise.reject(new Error("greetings folder full")),
  );
  const rotation = provisioning.upsert("care4w-1000001", { ha1: b, active: true });
  await expect(rotation).rejects.toThrow("greetings folder full");
  expect(told).toEqual(["care4w-1000001 registrations"]);
  await expect(provisioning.deactivate("care4w-1000001")).rejects.toThrow();
  expect(told).toEqual(["care4w-1000001 registrations", "care4w-1000001 registrations"]);
});
