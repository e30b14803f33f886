/** A new tenant's set-up walk (issue 26 item 3): where it resumes, what skipping does, what is remembered. */
import { describe, expect, it } from 'vitest';
import { currentStep, loadSkips, saveSkips, stepStates } from '../src/onboarding';

const NOTHING = { environments: 0, admins: 0, keys: 0 };
const NO_SKIPS = { skipped: [], dismissed: false };

/** A Storage of the test's own. */
function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (name) => items.get(name) ?? null,
    key: (n) => [...items.keys()][n] ?? null,
    removeItem: (name) => void items.delete(name),
    setItem: (name, value) => void items.set(name, value),
  };
}

describe('the set-up walk', () => {
  it('starts at the environment and resumes at the first step the tenant lacks', () => {
    expect(currentStep(NOTHING, NO_SKIPS)).toBe('environment');
    expect(currentStep({ ...NOTHING, environments: 1 }, NO_SKIPS)).toBe('admin');
    expect(currentStep({ environments: 1, admins: 1, keys: 0 }, NO_SKIPS)).toBe('key');
    expect(currentStep({ environments: 2, admins: 1, keys: 3 }, NO_SKIPS)).toBeNull();
  });

  it('passes over a skipped step, shows it as skipped, and ends when dismissed', () => {
    const skips = { skipped: ['admin' as const], dismissed: false };
    const progress = { ...NOTHING, environments: 1 };
    expect(currentStep(progress, skips)).toBe('key');
    expect(stepStates(progress, skips)).toEqual({ environment: 'done', admin: 'skipped', key: 'current' });
    expect(currentStep(NOTHING, { ...NO_SKIPS, dismissed: true })).toBeNull();
  });

  it('remembers skips per tenant, and ignores what it cannot read', () => {
    const storage = memoryStorage();
    saveSkips('ten_a', { skipped: ['environment'], dismissed: false }, storage);
    expect(loadSkips('ten_a', storage)).toEqual({ skipped: ['environment'], dismissed: false });
    expect(loadSkips('ten_b', storage)).toEqual(NO_SKIPS);
    storage.setItem('keyward.onboarding.ten_c', '{not json');
    expect(loadSkips('ten_c', storage)).toEqual(NO_SKIPS);
    storage.setItem('keyward.onboarding.ten_d', JSON.stringify({ skipped: ['nonsense', 'key'] }));
    expect(loadSkips('ten_d', storage)).toEqual({ skipped: ['key'], dismissed: false });
  });
});
