/**
 * Statements compiled once and reused, only their parameters bound anew (issue 27). Built through
 * Kysely's query builder on every call, a statement written thousands of times a second (a usage
 * flush's rows, credit lease renewals) cost the node more CPU to build and compile than the
 * database took to run it. Here it is built once per database and shape with stand-in values,
 * and each call binds its values into the parameter slots the stand-ins took.
 */
import type { Compilable, CompiledQuery, QueryResult } from 'kysely';
import type { Db } from './database.js';

/** Where a compiled parameter comes from: the caller's value at `index`, or a value the builder wrote itself. */
type Slot = { readonly index: number } | { readonly value: unknown };

interface Shape {
  readonly compiled: CompiledQuery;
  readonly slots: readonly Slot[];
}

/** A stand-in no real value equals, for the caller's value at `index`. */
const standIn = (index: number): string => `\u0000${index}`;

/**
 * Compiled statements of one kind, each `build` (with `count` stand-ins) compiled once per
 * database and count. Keyed by the dialect adapter: one per database opened, shared by its
 * transactions (as audit-mac.ts does).
 */
export function compiledOnce(build: (db: Db, standIns: readonly string[]) => Compilable<unknown>) {
  const shapesByDatabase = new WeakMap<object, Map<number, Shape>>();

  const shapeOf = (db: Db, count: number): Shape => {
    const adapter = db.getExecutor().adapter;
    let shapes = shapesByDatabase.get(adapter);
    if (shapes === undefined) {
      shapes = new Map();
      shapesByDatabase.set(adapter, shapes);
    }
    let shape = shapes.get(count);
    if (shape !== undefined) return shape;
    const standIns = Array.from({ length: count }, (_, index) => standIn(index));
    // Stand-ins for every value: the statement's shape does not depend on the values.
    const compiled = build(db, standIns).compile();
    const positions = new Map<unknown, Slot>(standIns.map((value, index) => [value, { index }]));
    shape = { compiled, slots: compiled.parameters.map((value) => positions.get(value) ?? { value }) };
    shapes.set(count, shape);
    return shape;
  };

  /** Runs the statement of `count` stand-ins, the value at index i of them read by `valueAt(i)`. */
  return <R>(db: Db, count: number, valueAt: (index: number) => unknown): Promise<QueryResult<R>> => {
    const { compiled, slots } = shapeOf(db, count);
    const parameters = new Array<unknown>(slots.length);
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i] as Slot;
      parameters[i] = 'value' in slot ? slot.value : valueAt(slot.index);
    }
    return db.executeQuery<R>({ ...compiled, parameters });
  };
}

/**
 * One statement of named values, compiled once per database: `build` gets a stand-in for each
 * name of `names`, and each call binds `values`.
 */
export function reusableStatement<V extends Record<string, unknown>, R = unknown>(
  names: readonly (keyof V & string)[],
  build: (db: Db, values: { readonly [K in keyof V]: V[K] }) => Compilable<unknown>,
): (db: Db, values: V) => Promise<QueryResult<R>> {
  const run = compiledOnce((db, standIns) =>
    build(db, Object.fromEntries(names.map((name, index) => [name, standIns[index]])) as unknown as V),
  );
  return (db, values) => run<R>(db, names.length, (index) => values[names[index] as keyof V]);
}
