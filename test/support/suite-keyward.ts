/**
 * The setup most HTTP suites share, once per database: a Keyward started before the describe
 * block's tests and closed after them, and the tenants seeded in it. Called in the block's body:
 *
 *   const kw = keywardForSuite(db, { clock });
 *   const seeded = tenantForSuite(kw, 'Acme');
 *
 * Each returns a stand-in that forwards to the value its `beforeAll` made, so a suite reads
 * `kw.root` and `seeded.admin` just as it did from the `let` its hooks used to assign, and a
 * test written against that `let` on another branch still reads after a merge. Using a
 * stand-in before its hook ran (at the block's top level) throws, naming it.
 */
import { afterAll, beforeAll } from 'vitest';
import type { TestDatabase } from './databases.js';
import { seedTenant, startKeyward, type Seeded, type StartOptions, type TestKeyward } from './keyward.js';

/** An object standing for the value `set` gives it later; every read goes to that value. */
function standIn<T extends object>(name: string): { readonly value: T; set(value: T): void } {
  let current: T | undefined;
  const target = (): T => {
    if (current === undefined) throw new Error(`${name} is read before its beforeAll made it`);
    return current;
  };
  const value = new Proxy({} as T, {
    get: (_empty, property) => Reflect.get(target(), property),
    has: (_empty, property) => Reflect.has(target(), property),
    ownKeys: () => Reflect.ownKeys(target()),
    getOwnPropertyDescriptor: (_empty, property) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(target(), property);
      // A proxy may report an own property its (empty) target lacks only as configurable.
      return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
    },
  });
  return {
    value,
    set: (made) => {
      current = made;
    },
  };
}

/** A Keyward on a fresh database of `db` for the tests of the calling describe block. */
export function keywardForSuite(db: TestDatabase, options: StartOptions = {}): TestKeyward {
  const kw = standIn<TestKeyward>('the suite’s Keyward');
  let started: TestKeyward | undefined;
  beforeAll(async () => {
    started = await startKeyward(db, options);
    kw.set(started);
  });
  afterAll(async () => {
    await started?.close();
  });
  return kw.value;
}

/** A tenant seeded in `kw` (see seedTenant) for the tests of the calling describe block. */
export function tenantForSuite(kw: TestKeyward, name?: string): Seeded {
  const seeded = standIn<Seeded>(`the suite’s tenant ${name ?? 'Acme'}`);
  beforeAll(async () => {
    seeded.set(await seedTenant(kw, name));
  });
  return seeded.value;
}
