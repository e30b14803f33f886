// @vitest-environment happy-dom
/**
 * The scope editor (keys and policies alike): a type's own roles only, what the signed-in key
 * may not grant disabled with the reason, scopes added and removed, resource-narrowed scopes.
 */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ResourceObject } from '../src/api';
import { grantorFor, NO_GRANTS, type GrantSet } from '../../src/api/grants.js';
import { ScopeEditor } from '../src/scope-editor';
import type { ResourceSearch } from '../src/scope-picker';
import { limitedMe, model, rootMe } from './fixtures';

/** The editor holding its own value, as a page does; the last value is read from `seen`. */
function Harness({
  me = limitedMe,
  forAdminKey = true,
  search,
  seen,
}: {
  me?: typeof limitedMe;
  forAdminKey?: boolean;
  search?: ResourceSearch;
  seen: GrantSet[];
}) {
  const [value, setValue] = useState<GrantSet>(NO_GRANTS);
  const change = (next: GrantSet) => {
    seen.push(next);
    setValue(next);
  };
  return (
    <ScopeEditor
      model={model}
      grantor={grantorFor(model, me)}
      value={value}
      onChange={change}
      forAdminKey={forAdminKey}
      searchResources={search}
    />
  );
}

const roleOptions = () => [...(screen.getByLabelText('Role') as HTMLSelectElement).options];

describe('the scope editor', () => {
  afterEach(cleanup);

  it("offers only the chosen type's roles", () => {
    render(<Harness seen={[]} />);
    fireEvent.change(screen.getByLabelText('Type'), { target: { value: 'apiFunction' } });
    expect(roleOptions().map((option) => option.value)).toEqual(['viewer', 'editor', 'owner']);
    fireEvent.change(screen.getByLabelText('Type'), { target: { value: 'org' } });
    expect(roleOptions().map((option) => option.value)).toEqual(['admin', 'member']);
  });

  it('disables a role the key may not grant, naming what it lacks', () => {
    render(<Harness seen={[]} />);
    fireEvent.change(screen.getByLabelText('Type'), { target: { value: 'apiFunction' } });
    const [viewer, editor] = roleOptions();
    expect(viewer?.disabled).toBe(false);
    expect(editor?.disabled).toBe(true);
    expect(editor?.textContent).toBe('editor (your key may not update, run, create apiFunction)');
  });

  it('lets the root key grant every role', () => {
    render(<Harness me={rootMe} seen={[]} />);
    fireEvent.change(screen.getByLabelText('Type'), { target: { value: 'namespace' } });
    expect(roleOptions().every((option) => !option.disabled)).toBe(true);
  });

  it('adds a scope, then removes it', () => {
    const seen: GrantSet[] = [];
    render(<Harness seen={seen} />);
    fireEvent.change(screen.getByLabelText('Type'), { target: { value: 'agent' } });
    fireEvent.change(screen.getByLabelText('Role'), { target: { value: 'owner' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add scope agent:owner' }));
    expect(seen.at(-1)?.scopes).toEqual(['agent:owner']);
    expect((screen.getByRole('button', { name: 'Add scope agent:owner' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Remove agent:owner' }));
    expect(seen.at(-1)?.scopes).toEqual([]);
  });

  it('disables a permission the key does not hold, and an admin-only one for a non-admin key, each with its reason', () => {
    render(<Harness forAdminKey={false} seen={[]} />);
    const secrets = screen.getByRole('checkbox', { name: /secrets\.manage/ }) as HTMLInputElement;
    expect(secrets.disabled).toBe(true);
    expect(secrets.getAttribute('aria-describedby')).not.toBeNull();
    expect(document.getElementById(secrets.getAttribute('aria-describedby') ?? '')?.textContent).toBe(
      'your key does not hold secrets.manage',
    );
    const users = screen.getByRole('checkbox', { name: /users\.manage/ }) as HTMLInputElement;
    expect(users.disabled).toBe(true);
    expect(document.getElementById(users.getAttribute('aria-describedby') ?? '')?.textContent).toBe(
      'only admin keys may hold it',
    );
    expect((screen.getByRole('checkbox', { name: /functions\.execute/ }) as HTMLInputElement).disabled).toBe(false);
    expect(screen.queryByRole('checkbox', { name: /assistant\.use/ })).toBeNull();
  });

  it('narrows a scope to one resource found by name', async () => {
    // A resource id as the server makes them: the scope grammar knows their shape.
    const found = { id: 'res_01checkout0000000000000000', type: 'project', name: 'checkout' } as Pick<
      ResourceObject,
      'id' | 'type' | 'name'
    >;
    const search: ResourceSearch = async (type, text) =>
      type === 'project' && 'checkout'.includes(text) ? [found as ResourceObject] : [];
    const seen: GrantSet[] = [];
    render(<Harness search={search} seen={seen} />);
    fireEvent.change(screen.getByLabelText('Type'), { target: { value: 'project' } });
    fireEvent.change(screen.getByLabelText('Resource'), { target: { value: 'check' } });
    await waitFor(() => screen.getByLabelText('Found'));
    fireEvent.change(screen.getByLabelText('Found'), { target: { value: 'res_01checkout0000000000000000' } });
    fireEvent.change(screen.getByLabelText('Role'), { target: { value: 'editor' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add scope project:res_01checkout0000000000000000:editor' }));
    expect(seen.at(-1)?.scopes).toEqual(['project:res_01checkout0000000000000000:editor']);
  });

  it('sets a level per type, leaving out levels the key may not grant', () => {
    const seen: GrantSet[] = [];
    render(<Harness seen={seen} />);
    const apiFunction = screen.getByLabelText('apiFunction') as HTMLSelectElement;
    expect([...apiFunction.options].find((option) => option.value === 'full')?.disabled).toBe(true);
    fireEvent.change(apiFunction, { target: { value: 'view' } });
    expect(seen.at(-1)?.levels).toEqual({ apiFunction: 'view' });
  });
});
