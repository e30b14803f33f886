/**
 * The semantic pass's error list and name rules: what the schema (model-shape.ts) cannot say,
 * such as an action or role that is not declared, each error naming the entry by its path.
 */

export const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
export const PERMISSION_ID = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/;

export class Errors {
  readonly list: string[] = [];
  add(path: string, message: string): void {
    this.list.push(`${path}: ${message}`);
  }
}

export function checkActions(
  list: readonly string[],
  actions: ReadonlySet<string>,
  path: string,
  errors: Errors,
): void {
  list.forEach((action, i) => {
    if (!actions.has(action)) errors.add(`${path}[${i}]`, `unknown action "${action}"`);
  });
}
