// @vitest-environment happy-dom
/**
 * The create-key wizard's step logic (seed 004): four steps behind a step indicator, Next
 * held back with the reason until a step is complete, a preset's grants as the starting
 * scopes, the expiry's default and maximum from the settings, and the request it sends.
 */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { CreateKeyInput } from '../src/api';
import { grantorFor } from '../../src/api/grants.js';
import { KeyWizard } from '../src/key-wizard';
import type { ExpiryRules } from '../src/wizard-steps';
import { groups, limitedMe, model } from './fixtures';

function renderWizard(rules: ExpiryRules = { defaultDays: null, maxDays: null, known: true }) {
  const sent: CreateKeyInput[] = [];
  render(
    <KeyWizard
      model={model}
      me={limitedMe}
      grantor={grantorFor(model, limitedMe)}
      environments={[]}
      users={[]}
      policies={[]}
      groups={groups}
      rulesFor={() => rules}
      create={async (input) => {
        sent.push(input);
      }}
      onCancel={() => undefined}
    />,
  );
  return sent;
}

const next = () => screen.getByRole('button', { name: 'Next' }) as HTMLButtonElement;
const currentStep = () => document.querySelector('[aria-current="step"]')?.textContent;

describe('the create-key wizard', () => {
  afterEach(cleanup);

  it('holds Next back until the key has a name, saying so', () => {
    renderWizard();
    expect(currentStep()).toBe('1 Preset');
    expect(next().disabled).toBe(true);
    expect(screen.getByRole('list', { name: 'Before going on' }).textContent).toBe('name the key');
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'ci' } });
    expect(next().disabled).toBe(false);
    expect(screen.queryByRole('list', { name: 'Before going on' })).toBeNull();
  });

  it('shows a preset the key may not grant disabled, with the reason on its card', () => {
    renderWizard();
    const deploy = screen.getByRole('radio', { name: 'deploy' }) as HTMLInputElement;
    expect(deploy.disabled).toBe(true);
    expect(document.getElementById('preset-deploy-grants')?.textContent).toContain('unavailable: your key may not');
    expect((screen.getByRole('radio', { name: 'read-only' }) as HTMLInputElement).disabled).toBe(false);
    expect(document.getElementById('preset-tenant-admin-grants')?.textContent).toContain('admin keys only');
  });

  it('seed 004: shows each preset with its icon beside its name and its use case, as the model says', () => {
    renderWizard();
    const deploy = screen.getByRole('radio', { name: 'deploy' });
    expect(document.querySelector('label[for="preset-deploy"]')?.textContent).toBe('🚀deploy');
    expect(document.getElementById('preset-deploy-use')?.textContent).toBe('CI/CD pipelines, deployments');
    expect(deploy.getAttribute('aria-describedby')).toBe('preset-deploy-use preset-deploy-grants');
    // A preset the model gives no icon or use case shows neither.
    expect(document.querySelector('label[for="preset-tenant-admin"]')?.textContent).toBe('tenant-admin');
    expect(document.getElementById('preset-tenant-admin-use')).toBeNull();
  });

  it('starts the scopes from the chosen preset, and Back keeps what was entered', () => {
    renderWizard();
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'reader' } });
    fireEvent.click(screen.getByRole('radio', { name: 'read-only' }));
    fireEvent.click(next());
    expect(currentStep()).toBe('2 Scopes');
    expect(screen.getByRole('list', { name: 'Scopes' }).textContent).toContain('agent:viewer');
    expect(screen.getByRole('list', { name: 'Scopes' }).textContent).toContain('project:viewer');
    fireEvent.click(screen.getByRole('button', { name: 'Back' }));
    expect((screen.getByLabelText('Name') as HTMLInputElement).value).toBe('reader');
    expect((screen.getByRole('radio', { name: 'read-only' }) as HTMLInputElement).checked).toBe(true);
  });

  it('moves focus to the new step heading', async () => {
    renderWizard();
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'ci' } });
    fireEvent.click(next());
    await waitFor(() => expect(document.activeElement?.textContent).toBe('Step 2 of 4: Scopes'));
  });

  it('offers only groups the key belongs to, saying why the others are not', () => {
    renderWizard();
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'ci' } });
    fireEvent.click(next());
    fireEvent.click(next());
    expect(currentStep()).toBe('3 Groups');
    expect((screen.getByRole('checkbox', { name: 'platform' }) as HTMLInputElement).disabled).toBe(false);
    const finance = screen.getByRole('checkbox', { name: 'finance' }) as HTMLInputElement;
    expect(finance.disabled).toBe(true);
    expect(document.getElementById(finance.getAttribute('aria-describedby') ?? '')?.textContent).toBe(
      'you are not a member and lack tenant.manage',
    );
  });

  it('starts expiry at the default and refuses never when a maximum is set', () => {
    renderWizard({ defaultDays: 30, maxDays: 90, known: true });
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'ci' } });
    fireEvent.click(next());
    expect((screen.getByLabelText('Days until it expires') as HTMLInputElement).value).toBe('30');
    expect((screen.getByRole('radio', { name: 'Never expires' }) as HTMLInputElement).disabled).toBe(true);
    fireEvent.change(screen.getByLabelText('Days until it expires'), { target: { value: '120' } });
    expect(next().disabled).toBe(true);
    expect(screen.getByRole('list', { name: 'Before going on' }).textContent).toBe('at most 90 days here');
  });

  it("leaves expiry to the server's default when the key may not read the settings", async () => {
    const sent = renderWizard({ defaultDays: null, maxDays: null, known: false });
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'ci' } });
    fireEvent.click(next());
    expect((screen.getByRole('radio', { name: "The environment's default" }) as HTMLInputElement).checked).toBe(true);
    fireEvent.click(next());
    fireEvent.click(next());
    fireEvent.click(screen.getByRole('button', { name: 'Create key' }));
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).not.toHaveProperty('expiresInDays');
  });

  it('walks the four steps and sends the preset, the extra scope, the group and the expiry', async () => {
    const sent = renderWizard();
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'runner' } });
    fireEvent.click(screen.getByRole('radio', { name: 'read-only' }));
    fireEvent.click(next());
    fireEvent.change(screen.getByLabelText('Type'), { target: { value: 'project' } });
    fireEvent.change(screen.getByLabelText('Role'), { target: { value: 'editor' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add scope project:editor' }));
    fireEvent.click(next());
    fireEvent.click(screen.getByRole('checkbox', { name: 'platform' }));
    fireEvent.click(next());
    expect(currentStep()).toBe('4 Review');
    expect(document.querySelector('.review')?.textContent).toContain('platform');
    fireEvent.click(screen.getByRole('button', { name: 'Create key' }));
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toEqual({
      name: 'runner',
      kind: 'application',
      environmentId: 'env_01prod',
      preset: 'read-only',
      scopes: ['agent:viewer', 'project:viewer', 'project:editor'],
      groupIds: ['grp_01mine'],
      expiresInDays: null,
    });
  });
});
