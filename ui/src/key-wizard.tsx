/**
 * The create-key wizard of seed 004: (1) the key and its preset, (2) scopes, permissions,
 * levels, policies and expiry, (3) sharing groups, (4) review, then create. A step indicator
 * and Back/Next move between them; Next says what stops it. The step's heading takes focus
 * when the step changes, so a screen reader hears where it is.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type {
  CreateKeyInput,
  EnvironmentObject,
  GroupObject,
  MeObject,
  ModelDescriptionObject,
  PolicyObject,
  UserObject,
} from './api';
import type { Grantor } from '../../src/api/grants.js';
import { grantsText } from './format';
import { FormProblems } from './problem-text';
import { ScopeEditor } from './scope-editor';
import type { ResourceSearch } from './scope-picker';
import { useAction } from './use-action';
import { KeyStep, GroupsStep, ReviewStep } from './wizard-panels';
import {
  emptyDraft,
  expiryProblem,
  STEPS,
  stepProblems,
  toCreateInput,
  type Draft,
  type ExpiryRules,
} from './wizard-steps';

export interface KeyWizardProps {
  readonly model: ModelDescriptionObject;
  readonly me: MeObject;
  readonly grantor: Grantor;
  readonly environments: readonly EnvironmentObject[];
  readonly users: readonly UserObject[];
  readonly policies: readonly PolicyObject[];
  readonly groups: readonly GroupObject[];
  readonly rulesFor: (draft: Pick<Draft, 'kind' | 'environmentId'>) => ExpiryRules;
  readonly create: (input: CreateKeyInput) => Promise<void>;
  readonly onCancel: () => void;
  readonly searchResources?: ResourceSearch | undefined;
}

export function KeyWizard(props: KeyWizardProps) {
  const { model, grantor, rulesFor, create } = props;
  const startEnvironment = props.me.key.environmentId ?? props.environments[0]?.id ?? '';
  const [draft, setDraft] = useState<Draft>(() =>
    emptyDraft(startEnvironment, rulesFor({ kind: 'application', environmentId: startEnvironment })),
  );
  const [step, setStep] = useState(0);
  const heading = useRef<HTMLHeadingElement>(null);
  const { busy, error, run } = useAction();
  const rules = rulesFor(draft);
  const problems = stepProblems(step, draft, grantor, rules);
  const firstRender = useRef(true);

  // biome-ignore lint/correctness/useExhaustiveDependencies: focus moves when the step changes, and only then
  useEffect(() => {
    if (firstRender.current) firstRender.current = false;
    else heading.current?.focus();
  }, [step]);

  const update = (change: Partial<Draft>) => setDraft((current) => ({ ...current, ...change }));
  const submit = () => run(() => create(toCreateInput(model, draft)));

  let panel: ReactNode;
  if (step === 0) panel = <KeyStep {...props} draft={draft} update={update} />;
  else if (step === 1)
    panel = (
      <>
        <ScopeEditor
          model={model}
          grantor={grantor}
          value={draft.grants}
          onChange={(grants) => update({ grants })}
          forAdminKey={draft.admin}
          searchResources={props.searchResources}
        />
        <PoliciesField
          policies={props.policies}
          environmentId={draft.environmentId}
          value={draft.policyIds}
          onChange={(policyIds) => update({ policyIds })}
        />
        <ExpiryField value={draft.expiry} rules={rules} onChange={(expiry) => update({ expiry })} />
      </>
    );
  else if (step === 2)
    panel = (
      <GroupsStep
        me={props.me}
        groups={props.groups}
        value={draft.groupIds}
        onChange={(groupIds) => update({ groupIds })}
      />
    );
  else panel = <ReviewStep {...props} draft={draft} />;

  return (
    <section className="wizard" aria-labelledby="wizard-title">
      <h2 id="wizard-title">Create a key</h2>
      <ol className="steps" aria-label="Steps">
        {STEPS.map((name, index) => (
          <li
            key={name}
            aria-current={index === step ? 'step' : undefined}
            className={index < step ? 'done' : undefined}
          >
            <span className="step-number">{index + 1}</span> {name}
          </li>
        ))}
      </ol>
      <h3 ref={heading} tabIndex={-1}>
        Step {step + 1} of {STEPS.length}: {STEPS[step]}
      </h3>
      {panel}
      <FormProblems problems={problems} label="Before going on" error={error} />
      <div className="actions">
        {step > 0 ? (
          <button type="button" className="secondary" onClick={() => setStep(step - 1)}>
            Back
          </button>
        ) : (
          <button type="button" className="secondary" onClick={props.onCancel}>
            Cancel
          </button>
        )}
        {step < STEPS.length - 1 ? (
          <button type="button" disabled={problems.length > 0} onClick={() => setStep(step + 1)}>
            Next
          </button>
        ) : (
          <button type="button" disabled={problems.length > 0 || busy} onClick={() => void submit()}>
            {busy ? 'Creating…' : 'Create key'}
          </button>
        )}
      </div>
    </section>
  );
}

function PoliciesField({
  policies,
  environmentId,
  value,
  onChange,
}: {
  policies: readonly PolicyObject[];
  environmentId: string;
  value: readonly string[];
  onChange: (ids: string[]) => void;
}) {
  // A key links policies of its own environment or tenant-wide ones.
  const usable = policies.filter((policy) => policy.environmentId === null || policy.environmentId === environmentId);
  return (
    <fieldset>
      <legend>Policies</legend>
      {usable.length === 0 && <p className="help">No policies in this environment.</p>}
      {usable.map((policy) => (
        <div key={policy.id} className="check">
          <input
            id={`policy-${policy.id}`}
            type="checkbox"
            checked={value.includes(policy.id)}
            onChange={(event) =>
              onChange(event.target.checked ? [...value, policy.id] : value.filter((id) => id !== policy.id))
            }
          />
          <label htmlFor={`policy-${policy.id}`}>
            {policy.name} <span className="help">{grantsText(policy)}</span>
          </label>
        </div>
      ))}
    </fieldset>
  );
}

function ExpiryField({
  value,
  rules,
  onChange,
}: {
  value: string;
  rules: ExpiryRules;
  onChange: (expiry: string) => void;
}) {
  const days = value !== 'never' && value !== 'default';
  const neverBlocked = expiryProblem('never', rules);
  return (
    <fieldset>
      <legend>Expiry</legend>
      {!rules.known && (
        <div className="check">
          <input
            id="expiry-default"
            type="radio"
            name="expiry"
            checked={value === 'default'}
            onChange={() => onChange('default')}
          />
          <label htmlFor="expiry-default">The environment's default</label>
        </div>
      )}
      <div className="check">
        <input
          id="expiry-never"
          type="radio"
          name="expiry"
          checked={value === 'never'}
          disabled={neverBlocked !== null}
          aria-describedby="expiry-help"
          onChange={() => onChange('never')}
        />
        <label htmlFor="expiry-never">Never expires</label>
      </div>
      <div className="check">
        <input
          id="expiry-days-choice"
          type="radio"
          name="expiry"
          checked={days}
          onChange={() => onChange(String(rules.defaultDays ?? 90))}
        />
        <label htmlFor="expiry-days-choice">Expires</label>
      </div>
      {days && (
        <div className="inline">
          <label htmlFor="expiry-days">Days until it expires</label>
          <input
            id="expiry-days"
            type="number"
            min={1}
            max={rules.maxDays ?? 36500}
            value={value}
            onChange={(event) => onChange(event.target.value)}
            aria-describedby="expiry-help"
          />
        </div>
      )}
      <p id="expiry-help" className="help">
        {rules.known
          ? `Default here: ${rules.defaultDays === null ? 'never' : `${rules.defaultDays} days`}. Maximum: ${rules.maxDays === null ? 'none' : `${rules.maxDays} days`}.${neverBlocked !== null ? ' A maximum is set, so the key must expire.' : ''}`
          : "This key may not read the expiry settings (they need tenant.manage): the server applies the environment's default and maximum."}
      </p>
    </fieldset>
  );
}
