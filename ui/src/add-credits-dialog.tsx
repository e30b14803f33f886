/**
 * Top up a metered key's credits (PATCH `creditsAdd`). The server adds to the balance it holds,
 * so verifies spent while this dialog was open are not undone, as setting `credits` would.
 */
import { type FormEvent, useId, useState } from 'react';
import type { KeyObject } from './api';
import { useConsole } from './console-context';
import { Dialog, SubmitOrCancel } from './dialog';
import { ErrorText } from './problem-text';
import { useAction } from './use-action';

export interface AddCreditsDialogProps {
  readonly target: KeyObject;
  readonly onClose: () => void;
  readonly onSaved: (key: KeyObject) => void;
}

export function AddCreditsDialog({ target, onClose, onSaved }: AddCreditsDialogProps) {
  const { api } = useConsole();
  const id = useId();
  const [amount, setAmount] = useState('');
  const { busy, error, run } = useAction();
  const valid = /^\s*\d+\s*$/.test(amount) && Number(amount) >= 1;
  const add = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (valid) void run(async () => onSaved(await api.keys.update(target.id, { creditsAdd: Number(amount) })));
  };
  return (
    <Dialog title={`Add credits to ${target.name}`} onClose={onClose}>
      <form onSubmit={add} className="grid">
        <p className="span">Balance now: {target.credits?.remaining ?? 0} credits.</p>
        <label htmlFor={`${id}-amount`}>Credits to add</label>
        <input
          id={`${id}-amount`}
          type="number"
          min={1}
          step={1}
          inputMode="numeric"
          required
          value={amount}
          onChange={(event) => setAmount(event.target.value)}
        />
        <div className="span">
          <ErrorText error={error} />
          <SubmitOrCancel label="Add credits" disabled={busy || !valid} onCancel={onClose} />
        </div>
      </form>
    </Dialog>
  );
}
