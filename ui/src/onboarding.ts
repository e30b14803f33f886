/**
 * A new tenant's first steps (issue 26 item 3): an environment, an admin user, a key. Where the
 * tenant stands is read from the server (what exists is done), so the walk resumes where it left
 * off in any tab; a step skipped, or the whole walk dismissed, is remembered in this browser per
 * tenant (localStorage: no secret, only step names).
 */
export const STEPS = ['environment', 'admin', 'key'] as const;
export type Step = (typeof STEPS)[number];

export const STEP_LABELS: Record<Step, string> = {
  environment: 'Create an environment',
  admin: 'Add the first admin',
  key: 'Create the first key',
};

/** What the tenant has, as the server says. */
export interface TenantProgress {
  readonly environments: number;
  readonly admins: number;
  readonly keys: number;
}

export interface Skips {
  readonly skipped: readonly Step[];
  readonly dismissed: boolean;
}

export type StepState = 'done' | 'skipped' | 'current' | 'later';

export function isDone(step: Step, progress: TenantProgress): boolean {
  if (step === 'environment') return progress.environments > 0;
  if (step === 'admin') return progress.admins > 0;
  return progress.keys > 0;
}

/** The first step neither done nor skipped; null when the walk is over (or was dismissed). */
export function currentStep(progress: TenantProgress, skips: Skips): Step | null {
  if (skips.dismissed) return null;
  return STEPS.find((step) => !isDone(step, progress) && !skips.skipped.includes(step)) ?? null;
}

export function stepStates(progress: TenantProgress, skips: Skips): Record<Step, StepState> {
  const current = currentStep(progress, skips);
  const stateOf = (step: Step): StepState => {
    if (isDone(step, progress)) return 'done';
    if (step === current) return 'current';
    return skips.skipped.includes(step) ? 'skipped' : 'later';
  };
  return { environment: stateOf('environment'), admin: stateOf('admin'), key: stateOf('key') };
}

const storageName = (tenantId: string) => `keyward.onboarding.${tenantId}`;

export function loadSkips(tenantId: string, storage: Storage = localStorage): Skips {
  try {
    const parsed = JSON.parse(storage.getItem(storageName(tenantId)) ?? '{}') as Partial<Skips>;
    return {
      skipped: (parsed.skipped ?? []).filter((step): step is Step => (STEPS as readonly string[]).includes(step)),
      dismissed: parsed.dismissed === true,
    };
  } catch {
    return { skipped: [], dismissed: false };
  }
}

export function saveSkips(tenantId: string, skips: Skips, storage: Storage = localStorage): void {
  storage.setItem(storageName(tenantId), JSON.stringify(skips));
}
