// @vitest-environment happy-dom
/**
 * Issue 26 item 5: a change that is hard to take back is asked first, saying what changes, and
 * runs only from the dialog's own button; the one-time secret's dialog is not dismissed by a stray
 * Escape (a plain dialog is) and copies the secret.
 */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfirmDialog } from '../src/confirm-dialog';
import { Dialog } from '../src/dialog';
import type { WebhookKeyObject } from '../src/api';
import { SecretDialog } from '../src/secret-dialog';
import { WebhookKeysSection, type WebhookKeysSectionProps } from '../src/webhook-keys-section';

afterEach(cleanup);

/** What a browser does on Escape in a modal: a cancelable `cancel`; false when the dialog refused it. */
function pressEscape(dialog: HTMLElement): { keyAllowed: boolean; cancelAllowed: boolean } {
  const keyAllowed = fireEvent.keyDown(dialog, { key: 'Escape', cancelable: true });
  const cancelAllowed = fireEvent(dialog, new Event('cancel', { cancelable: true }));
  return { keyAllowed, cancelAllowed };
}

describe('ConfirmDialog', () => {
  function confirmDisable(onConfirm: () => Promise<void>, onClose = vi.fn()) {
    render(
      <ConfirmDialog title="Disable ci-deploy?" confirmLabel="Disable key" onConfirm={onConfirm} onClose={onClose}>
        <p>Verify answers DISABLED for this key until it is enabled again.</p>
      </ConfirmDialog>,
    );
    return { dialog: screen.getByRole('dialog', { name: 'Disable ci-deploy?' }), onClose };
  }

  it('says what changes and changes nothing until its own button is pressed', async () => {
    const onConfirm = vi.fn(async () => undefined);
    const { dialog, onClose } = confirmDisable(onConfirm);
    expect(dialog.textContent).toContain('Verify answers DISABLED');
    expect(onConfirm).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Disable key' }));
    await waitFor(() => expect(onClose).toHaveBeenCalledTimes(1));
    expect(onConfirm).toHaveBeenCalledTimes(1);
  });

  it('closes on Cancel without making the change', () => {
    const onConfirm = vi.fn(async () => undefined);
    const { onClose } = confirmDisable(onConfirm);
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(onConfirm).not.toHaveBeenCalled();
  });

  it('shows a refusal in the dialog and stays open', async () => {
    const { dialog, onClose } = confirmDisable(async () => {
      throw new Error('the root key cannot be disabled');
    });
    fireEvent.click(screen.getByRole('button', { name: 'Disable key' }));
    await waitFor(() => expect(dialog.textContent).toContain('the root key cannot be disabled'));
    expect(onClose).not.toHaveBeenCalled();
  });
});

describe('SecretDialog', () => {
  const SECRET = 'kw_0123456789abcdefghijABCDEFGHIJ01234567';
  function showSecret(onClose = vi.fn()) {
    render(
      <SecretDialog title="Key created" keyId="key_01hx0000000000000000000000" secret={SECRET} onClose={onClose} />,
    );
    return { dialog: screen.getByRole('dialog', { name: 'Key created' }), onClose };
  }

  it('refuses Escape, where a plain dialog lets it close', () => {
    const { dialog, onClose } = showSecret();
    expect(pressEscape(dialog)).toEqual({ keyAllowed: false, cancelAllowed: false });
    expect(onClose).not.toHaveBeenCalled();
    cleanup();
    render(
      <Dialog title="Plain" onClose={vi.fn()}>
        <p>any</p>
      </Dialog>,
    );
    expect(pressEscape(screen.getByRole('dialog', { name: 'Plain' }))).toEqual({
      keyAllowed: true,
      cancelAllowed: true,
    });
  });

  it('copies the secret, and closes only from its own button', async () => {
    const writeText = vi.fn(async (_text: string) => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const { dialog, onClose } = showSecret();
    fireEvent.click(screen.getByRole('button', { name: 'Copy' }));
    await waitFor(() => expect(dialog.textContent).toContain('Copied to the clipboard.'));
    expect(writeText).toHaveBeenCalledWith(SECRET);
    expect(onClose).not.toHaveBeenCalled();
    fireEvent.click(await screen.findByRole('button', { name: 'I have stored it' }));
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});

describe('deleting a webhook key', () => {
  const WEBHOOK = {
    id: 'res_01hx0000000000000000000000',
    name: 'slack-events',
    environmentId: 'env_01hx0000000000000000000000',
  };
  const ITEM: WebhookKeyObject = {
    id: 'whk_01hx0000000000000000000001',
    tenantId: 'ten_01hx0000000000000000000000',
    environmentId: WEBHOOK.environmentId,
    webhookId: WEBHOOK.id,
    name: 'from-slack',
    scheme: 'slack',
    secretHint: 'zz85',
    previousSecretValidUntil: null,
    createdByKeyId: null,
    createdAt: '2026-06-01T00:00:00.000Z',
    updatedAt: '2026-06-01T00:00:00.000Z',
    rotatedAt: null,
  };

  it('is asked first, saying the secret is destroyed; Cancel keeps the key', async () => {
    const deleted: string[] = [];
    const client = {
      list: async () => ({ items: deleted.length === 0 ? [ITEM] : [], nextCursor: null }),
      delete: async (id: string) => {
        deleted.push(id);
        return ITEM;
      },
    } as unknown as WebhookKeysSectionProps['client'];
    render(<WebhookKeysSection webhook={WEBHOOK} client={client} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Delete from-slack' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete webhook key from-slack?' });
    expect(dialog.textContent).toContain('…zz85) is destroyed');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(deleted).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: 'Delete from-slack' }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete webhook key' }));
    await waitFor(() => expect(deleted).toEqual([ITEM.id]));
  });
});
