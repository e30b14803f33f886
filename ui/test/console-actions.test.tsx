// @vitest-environment happy-dom
/**
 * Issue 26 items 4 and 5, the pieces: rename and delete from a row (delete asked first, saying
 * what goes), a one-field dialog that saves an empty value as null, a create form behind its
 * "New …" button, key metadata checked as typed, the rotation's "what changes" following the
 * grace typed, and a webhook's disable and secret rotation asked first.
 */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FieldDialog, ItemActions, NewPanel } from '../src/item-actions';
import { RetiredSecret } from '../src/key-forms';
import { MAX_METADATA_BYTES as API_LIMIT } from '../../src/api/common.js';
import { checkMetadata, MAX_METADATA_BYTES } from '../src/metadata-json';

afterEach(cleanup);

describe('rename and delete from a row', () => {
  it('renames through a dialog with the name filled in', async () => {
    const onRename = vi.fn(async () => undefined);
    render(<ItemActions noun="group" name="ops" onRename={onRename} />);
    fireEvent.click(screen.getByRole('button', { name: 'Rename ops' }));
    const field = screen.getByLabelText('Name') as HTMLInputElement;
    expect(field.value).toBe('ops');
    fireEvent.change(field, { target: { value: 'operations' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save name' }));
    await waitFor(() => expect(onRename).toHaveBeenCalledWith('operations'));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('deletes only from the confirmation, which says what goes, and Cancel deletes nothing', async () => {
    const onDelete = vi.fn(async () => undefined);
    render(<ItemActions noun="policy" name="readers" onDelete={onDelete} deleteText={<p>Its keys lose it.</p>} />);
    fireEvent.click(screen.getByRole('button', { name: 'Delete readers' }));
    expect(screen.getByRole('dialog', { name: 'Delete readers?' }).textContent).toContain('Its keys lose it.');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onDelete).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Delete readers' }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete policy' }));
    await waitFor(() => expect(onDelete).toHaveBeenCalledTimes(1));
  });

  it('keeps the dialog open with the refusal when a delete is refused', async () => {
    const refusal = new Error('environment still has 2 live key(s); revoke them first');
    render(<ItemActions noun="environment" name="prod" onDelete={async () => Promise.reject(refusal)} />);
    fireEvent.click(screen.getByRole('button', { name: 'Delete prod' }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete environment' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('revoke them first');
    expect(screen.getByRole('dialog', { name: 'Delete prod?' })).toBeTruthy();
  });
});

describe('a one-field dialog', () => {
  it('saves an emptied optional field as null (clearing an external id)', async () => {
    const onSave = vi.fn(async () => undefined);
    render(
      <FieldDialog
        title="External id of Ada"
        label="External id"
        initial="u-42"
        required={false}
        maxLength={200}
        onSave={onSave}
        onClose={() => undefined}
      />,
    );
    fireEvent.change(screen.getByLabelText('External id'), { target: { value: '  ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save external id' }));
    await waitFor(() => expect(onSave).toHaveBeenCalledWith(null));
  });
});

describe('a create form behind its button', () => {
  it('shows the form only after "New …", and closes it when the form says so', () => {
    render(
      <NewPanel label="New group">
        {(close) => (
          <button type="button" onClick={close}>
            Create group
          </button>
        )}
      </NewPanel>,
    );
    expect(screen.queryByRole('button', { name: 'Create group' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'New group' }));
    fireEvent.click(screen.getByRole('button', { name: 'Create group' }));
    expect(screen.queryByRole('button', { name: 'Create group' })).toBeNull();
    expect(screen.getByRole('button', { name: 'New group' }).getAttribute('aria-expanded')).toBe('false');
  });
});

describe('key metadata as JSON', () => {
  it("checks the API's own size limit", () => {
    expect(MAX_METADATA_BYTES).toBe(API_LIMIT);
  });

  it('takes an object, and an empty text as {}', () => {
    expect(checkMetadata('{"team": "billing"}')).toEqual({ ok: true, value: { team: 'billing' } });
    expect(checkMetadata('  ')).toEqual({ ok: true, value: {} });
  });

  it('names what is wrong: not JSON, not an object, too many properties, too large', () => {
    expect(checkMetadata('{team: 1}')).toMatchObject({ ok: false, problem: expect.stringMatching(/^Not JSON/) });
    expect(checkMetadata('[1, 2]')).toMatchObject({ ok: false, problem: expect.stringContaining('JSON object') });
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, n) => [`p${n}`, n]));
    expect(checkMetadata(JSON.stringify(many))).toMatchObject({ problem: 'At most 50 properties (this has 51)' });
    expect(checkMetadata(JSON.stringify({ big: 'x'.repeat(5000) }))).toMatchObject({
      problem: expect.stringContaining('4096 bytes'),
    });
  });
});

describe("a rotation's what-changes line", () => {
  it('says the secret in use stops at once without a grace, and until when with one', () => {
    const { container, rerender } = render(<RetiredSecret hint="Ab3d" grace="" />);
    expect(container.textContent).toContain('(ending …Ab3d) stops working at once');
    rerender(<RetiredSecret hint="Ab3d" grace="3600" />);
    expect(container.textContent).toContain('keeps working for 3600 s, until');
    expect(container.textContent).toContain('both work until then');
  });
});
