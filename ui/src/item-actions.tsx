/**
 * Rename and delete for one thing of the tenant (a user, an environment, a policy, a group, a
 * resource), and any one-field edit beside them (an external id): each opens a dialog, so a
 * list stays a list. A delete is asked first, saying what goes with it; a refusal stays in the
 * dialog, which stays open.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { ConfirmDialog } from './confirm-dialog';
import { Dialog, SubmitOrCancel } from './dialog';
import { ErrorText } from './problem-text';
import { useAction } from './use-action';

export interface FieldDialogProps {
  readonly title: string;
  /** The input's label ("Name", "External id"). */
  readonly label: string;
  readonly initial: string;
  /** Required: an empty value is refused by the form; optional: an empty value is saved as null. */
  readonly required: boolean;
  readonly maxLength: number;
  readonly help?: ReactNode;
  readonly onSave: (value: string | null) => Promise<void>;
  readonly onClose: () => void;
}

/** One text field in a dialog: saved with its own button, the dialog closing when the save went through. */
export function FieldDialog({ title, label, initial, required, maxLength, help, onSave, onClose }: FieldDialogProps) {
  const { busy, error, run } = useAction();
  const save = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    // The dialog may sit inside a page's own form (an environment's settings): that form's submit is not this one.
    event.stopPropagation();
    const value = String(new FormData(event.currentTarget).get('value') ?? '').trim();
    void run(async () => {
      await onSave(value === '' ? null : value);
      onClose();
    });
  };
  return (
    <Dialog title={title} onClose={onClose}>
      <form onSubmit={save} className="grid">
        <label htmlFor="field-dialog-value">{label}</label>
        <input
          id="field-dialog-value"
          name="value"
          defaultValue={initial}
          required={required}
          maxLength={maxLength}
          autoFocus
        />
        {help !== undefined && <p className="help span">{help}</p>}
        <div className="span">
          <ErrorText error={error} />
          <SubmitOrCancel label={`Save ${label.toLowerCase()}`} disabled={busy} onCancel={onClose} />
        </div>
      </form>
    </Dialog>
  );
}

export interface ItemActionsProps {
  /** What it is, for the buttons: "group", "user". */
  readonly noun: string;
  readonly name: string;
  readonly onRename?: (name: string) => Promise<void>;
  /** Absent: no Delete button. */
  readonly onDelete?: () => Promise<void>;
  /** What a delete takes with it, said in its confirmation. */
  readonly deleteText?: ReactNode;
  /** More buttons, before Delete. */
  readonly children?: ReactNode;
}

export function ItemActions({ noun, name, onRename, onDelete, deleteText, children }: ItemActionsProps) {
  const [open, setOpen] = useState<'rename' | 'delete' | null>(null);
  return (
    <span className="item-actions">
      {onRename !== undefined && (
        <button
          type="button"
          className="secondary small"
          onClick={() => setOpen('rename')}
          aria-label={`Rename ${name}`}
        >
          Rename
        </button>
      )}
      {children}
      {onDelete !== undefined && (
        <button type="button" className="danger small" onClick={() => setOpen('delete')} aria-label={`Delete ${name}`}>
          Delete
        </button>
      )}
      {open === 'rename' && onRename !== undefined && (
        <FieldDialog
          title={`Rename ${name}`}
          label="Name"
          initial={name}
          required
          maxLength={200}
          onSave={async (value) => onRename(value ?? name)}
          onClose={() => setOpen(null)}
        />
      )}
      {open === 'delete' && onDelete !== undefined && (
        <ConfirmDialog
          title={`Delete ${name}?`}
          confirmLabel={`Delete ${noun}`}
          onConfirm={onDelete}
          onClose={() => setOpen(null)}
        >
          {deleteText ?? <p>The {noun} is deleted for good.</p>}
        </ConfirmDialog>
      )}
    </span>
  );
}

/**
 * A create form behind its "New …" button, so a page opens on its list, not on a form. The
 * form gets `close` to call once it has created what it made.
 */
export function NewPanel({ label, children }: { label: string; children: (close: () => void) => ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <div className="new-panel">
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)} className={open ? 'secondary' : ''}>
        {open ? 'Close' : label}
      </button>
      {open && <div className="panel">{children(() => setOpen(false))}</div>}
    </div>
  );
}
