/** The behaviour every PeopleStore must have (over a store that also keeps users). */
import assert from "node:assert/strict";
import { defineContract } from "../../testing/contract.ts";
import type { PeopleStore } from "../people.ts";
import type { UserStore } from "../users.ts";

const AT = new Date("2026-03-01T09:00:00Z");

async function people(store: UserStore, names: string[]) {
  const made = [];
  for (const [i, displayName] of names.entries()) {
    made.push(
      await store.createUser({
        email: `person${i}@example.test`,
        displayName,
        passwordHash: null,
        firebaseUid: null,
      }),
    );
  }
  return made;
}

const names = (entries: { displayName: string }[]) => entries.map((e) => e.displayName);

/** Runs the people (directory and favourites) contract against one implementation. */
export const peopleStoreContract = defineContract<PeopleStore & UserStore>("people store", {
  "the directory finds active people by name or CareFlow ID, in name order": async (store) => {
    const [cat, ann, bob, gone] = await people(store, [
      "Cat Nurse",
      "Ann Carer",
      "bob Driver",
      "Ann Old",
    ]);
    await store.updateUser(gone.id, { isActive: false });
    assert.deepEqual(names(await store.searchDirectory("", 0, 10)), [
      "Ann Carer",
      "bob Driver",
      "Cat Nurse",
    ]);
    assert.deepEqual(names(await store.searchDirectory("ANN", 0, 10)), ["Ann Carer"]);
    assert.deepEqual(names(await store.searchDirectory(bob.care4wId, 0, 10)), ["bob Driver"]);
    assert.deepEqual(await store.searchDirectory("nurse", 0, 10), [
      { id: cat.id, care4wId: cat.care4wId, displayName: "Cat Nurse", isActive: true },
    ]);
    // Pages: offset and limit.
    assert.deepEqual(names(await store.searchDirectory("", 1, 1)), ["bob Driver"]);
    assert.deepEqual(await store.searchDirectory("", 3, 10), []);
    assert.equal(ann.isActive, true);
  },
  "the directory never matches emails, and takes the text literally": async (store) => {
    await people(store, ["Ann Carer", "50% Cover_Team"]);
    assert.deepEqual(await store.searchDirectory("example.test", 0, 10), []);
    assert.deepEqual(await store.searchDirectory("person0", 0, 10), []);
    assert.deepEqual(names(await store.searchDirectory("%", 0, 10)), ["50% Cover_Team"]);
    assert.deepEqual(names(await store.searchDirectory("r_t", 0, 10)), ["50% Cover_Team"]);
    assert.deepEqual(await store.searchDirectory(".*", 0, 10), []);
  },
  "favourites are kept per user, once each, and only active ones listed": async (store) => {
    const [ann, bob, cat, dan] = await people(store, ["Ann", "Bob", "Cat", "Dan"]);
    assert.deepEqual(await store.listFavourites(ann.id, 10), []);
    assert.equal(await store.addFavourite(ann.id, cat.id, AT), true);
    assert.equal(await store.addFavourite(ann.id, bob.id, AT), true);
    assert.equal(await store.addFavourite(ann.id, bob.id, AT), false, "already starred");
    assert.equal(await store.addFavourite(dan.id, ann.id, AT), true);
    assert.deepEqual(names(await store.listFavourites(ann.id, 10)), ["Bob", "Cat"]);
    assert.deepEqual(names(await store.listFavourites(ann.id, 1)), ["Bob"]);
    assert.deepEqual(names(await store.listFavourites(dan.id, 10)), ["Ann"]);
    assert.deepEqual(await store.listFavourites(bob.id, 10), [], "another user's are their own");
    assert.equal(await store.countFavourites(ann.id), 2);

    await store.updateUser(cat.id, { isActive: false });
    assert.deepEqual(names(await store.listFavourites(ann.id, 10)), ["Bob"]);
    assert.equal(await store.countFavourites(ann.id), 2, "kept for when they come back");

    assert.equal(await store.removeFavourite(ann.id, bob.id), true);
    assert.equal(await store.removeFavourite(ann.id, bob.id), false);
    assert.deepEqual(await store.listFavourites(ann.id, 10), []);
    assert.equal(await store.countFavourites(ann.id), 1);
  },
});
