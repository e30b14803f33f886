/**
 * The question asked before a change that is hard to take back (disable, role change, MFA reset,
 * delete): what will change, in the dialog's words, then the action's own button and Cancel. The
 * change runs only from that button; a refusal is shown in the dialog, which stays open.
 */
import type { ReactNode } from 'react';
import { Dialog } from './dialog';
import { ErrorText } from './problem-text';
import { useAction } from './use-action';

export interface ConfirmDialogProps {
  /** The question, e.g. "Disable ci-deploy?". */
  readonly title: string;
  /** What changes if the user goes on. */
  readonly children: ReactNode;
  /** The button that does it, named for the action ("Disable key"). */
  readonly confirmLabel: string;
  readonly onConfirm: () => Promise<void>;
  /** Cancel, Escape, or the change done: the dialog goes away. */
  readonly onClose: () => void;
}

export function ConfirmDialog({ title, children, confirmLabel, onConfirm, onClose }: ConfirmDialogProps) {
  const { busy, error, run } = useAction();
  const confirm = () =>
    run(async () => {
      await onConfirm();
      onClose();
    });
  return (
    <Dialog title={title} onClose={onClose}>
      <div className="confirm-text">{children}</div>
      <ErrorText error={error} />
      <div className="actions">
        <button type="button" className="danger" onClick={() => void confirm()} disabled={busy}>
          {confirmLabel}
        </button>
        <button type="button" className="secondary" onClick={onClose}>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}
