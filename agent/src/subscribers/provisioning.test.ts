import { expect, test } from "bun:test";
import { invalidationFor } from "./provisioning.ts";

const a = "0123456789abcdef0123456789abcdef";
const b = "fedcba9876543210fedcba9876543210";
const entry = (ha1: string | null, active = true, negative = false) => ({ ha1, active, negative });
const both = { dropCachedHa1: true, removeRegistrations: true };

test("deactivation always drops the cache and registrations", () => {
  expect(invalidationFor(entry(a), { ha1: a, active: false })).toEqual(both);
  expect(invalidationFor(entry(a, false), { ha1: a, active: false })).toEqual(both);
  expect(invalidationFor(null, { ha1: null, active: false })).toEqual(both);
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
