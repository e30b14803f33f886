/**
 * A modal built on <dialog>: focus stays inside, Escape closes it (unless it must not be dismissed
 * by accident), and it is labelled by its title.
 */
import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode, type SyntheticEvent } from 'react';

export interface DialogProps {
  readonly title: string;
  readonly onClose: () => void;
  readonly children: ReactNode;
  /**
   * False: only the dialog's own buttons close it, not Escape (the one-time secret, which a stray
   * key press would lose for good). A <dialog> never closes on a click outside it.
   */
  readonly dismissable?: boolean;
}

export function Dialog({ title, onClose, children, dismissable = true }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  // No close() on unmount: a removed dialog leaves the top layer by itself, and a close()
  // would fire `close` (and onClose) after the fact.
  useEffect(() => {
    const dialog = ref.current;
    if (dialog !== null && !dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onClose={onClose}
      onCancel={(event: SyntheticEvent<HTMLDialogElement>) => {
        if (!dismissable) event.preventDefault();
      }}
      onKeyDown={(event: KeyboardEvent<HTMLDialogElement>) => {
        // Chromium closes a modal on a second Escape even when its `cancel` was refused; refusing the key itself stops both.
        if (!dismissable && event.key === 'Escape') event.preventDefault();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  );
}

/** A dialog form's last row: its submit button (named `label`) and Cancel. */
export function SubmitOrCancel({
  label,
  disabled,
  onCancel,
}: {
  label: string;
  disabled: boolean;
  onCancel: () => void;
}) {
  return (
    <div className="actions">
      <button type="submit" disabled={disabled}>
        {label}
      </button>
      <button type="button" className="secondary" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}
