/**
 * Rate limits as editable rows, one fieldset per limit (name, limit, window and its unit), with
 * add and remove. Focus follows the change: a new row's name, or the add button after a removal,
 * so a keyboard user is never dropped at the top of the dialog.
 */
import { useId, useRef, useState } from 'react';
import { WINDOW_UNITS, type WindowUnit } from './format';
import { type LimitRow, rowOf } from './rate-limits';

export interface RateLimitRowsProps {
  readonly rows: readonly LimitRow[];
  readonly onChange: (rows: readonly LimitRow[]) => void;
  /** What no rows means for the thing being edited: a key and a policy say it differently. */
  readonly empty: string;
}

export function RateLimitRows({ rows, onChange, empty }: RateLimitRowsProps) {
  const prefix = useId();
  const nextId = useRef(rows.reduce((max, row) => Math.max(max, row.id + 1), 0));
  const [added, setAdded] = useState<number | null>(null);
  const addButton = useRef<HTMLButtonElement>(null);
  const change = (id: number, patch: Partial<LimitRow>) =>
    onChange(rows.map((row) => (row.id === id ? { ...row, ...patch } : row)));
  const add = () => {
    const row = rowOf(nextId.current++);
    setAdded(row.id);
    onChange([...rows, row]);
  };
  const remove = (id: number) => {
    onChange(rows.filter((row) => row.id !== id));
    addButton.current?.focus();
  };

  return (
    <fieldset>
      <legend>Rate limits</legend>
      {rows.length === 0 && <p className="help">{empty}</p>}
      {rows.map((row, index) => {
        const id = `${prefix}-${row.id}`;
        const label = `Rate limit ${index + 1}`;
        return (
          <fieldset key={row.id} className="limit-row">
            <legend>{label}</legend>
            <div className="field">
              <label htmlFor={`${id}-name`}>Name</label>
              {/* Only the row just added by pressing Add takes focus, never the rows the dialog opened with. */}
              <input
                id={`${id}-name`}
                value={row.name}
                autoFocus={row.id === added}
                onChange={(event) => change(row.id, { name: event.target.value })}
              />
            </div>
            <div className="field">
              <label htmlFor={`${id}-limit`}>Limit</label>
              <input
                id={`${id}-limit`}
                type="number"
                min={1}
                step={1}
                inputMode="numeric"
                value={row.limit}
                onChange={(event) => change(row.id, { limit: event.target.value })}
              />
            </div>
            <div className="field">
              <label htmlFor={`${id}-amount`}>Per</label>
              <input
                id={`${id}-amount`}
                type="number"
                min={1}
                step="any"
                value={row.amount}
                onChange={(event) => change(row.id, { amount: event.target.value })}
              />
            </div>
            <div className="field">
              <label htmlFor={`${id}-unit`}>Unit</label>
              <select
                id={`${id}-unit`}
                value={row.unit}
                onChange={(event) => change(row.id, { unit: event.target.value as WindowUnit })}
              >
                {WINDOW_UNITS.map((unit) => (
                  <option key={unit.unit} value={unit.unit}>
                    {unit.unit}
                  </option>
                ))}
              </select>
            </div>
            <button
              type="button"
              className="danger"
              aria-label={`Remove ${label.toLowerCase()}`}
              onClick={() => remove(row.id)}
            >
              Remove
            </button>
          </fieldset>
        );
      })}
      <button ref={addButton} type="button" className="secondary" onClick={add}>
        Add a rate limit
      </button>
    </fieldset>
  );
}
