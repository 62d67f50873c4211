import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState, type RefObject } from 'react';
import { ApiError, api } from '../api/client';
import { refreshQueries } from '../api/refresh';
import type { Conflict, ConflictResolution, FieldError, PfaValues, ResolutionCheck, ResolveAnswer } from '../api/types';
import { modificationKeys, recordKeys } from '../records/queries';
import { useSession } from '../session/session';
import { queueKeys } from '../queue/queries';
import { syncKeys } from '../sync/queries';
import { ErrorNotice, Loading, errorText } from '../ui/feedback';
import { describeChanges, fieldLabel, formatDateTime, formatValue } from '../ui/format';
import { Modal } from '../ui/Modal';
import { kindOf, typedValue } from '../ui/pfa-fields';
import { conflictKeys } from './queries';

type Choice = { take: 'mine' | 'pems' | 'typed'; typed: string };

/** Live validation waits for typing to pause this long. */
const CHECK_DELAY_MS = 300;

const RESOLUTION_TEXT: Record<ConflictResolution, string> = { use_local: 'kept the edit', use_pems: "kept PEMS's values", merge: 'merged the two' };

/** What resolving sent, in words: the changes, or that PEMS's values stayed. */
export function appliedText(applied: PfaValues | null): string {
  if (applied === null) return "PEMS's values stay; nothing is sent.";
  if (Object.keys(applied).length === 0) return 'PEMS already holds these values; nothing is sent.';
  return `Sent to PEMS: ${describeChanges(applied)}.`;
}

/** mergedData from the choices: a value for every conflicting field. */
export function mergedDataOf(conflict: Conflict, choices: Record<string, Choice>): PfaValues {
  const merged: PfaValues = {};
  for (const field of conflict.conflictFields) {
    const choice = choices[field] ?? { take: 'mine', typed: '' };
    merged[field] = (
      choice.take === 'mine' ? conflict.localData[field] : choice.take === 'pems' ? conflict.pemsData[field] : typedValue(kindOf(field), choice.typed)
    ) as PfaValues[string];
  }
  return merged;
}

function TypedInput({ field, value, onChange, describedBy, invalid }: { field: string; value: string; onChange(value: string): void; describedBy?: string; invalid: boolean }) {
  const kind = kindOf(field);
  const common = { id: `typed-${field}`, 'aria-describedby': describedBy, 'aria-invalid': invalid ? true : undefined };
  const label = `Value for ${fieldLabel(field)}`;
  if (kind === 'boolean' || typeof kind === 'object') {
    const options =
      kind === 'boolean'
        ? [
            { value: 'true', text: 'Yes' },
            { value: 'false', text: 'No' },
          ]
        : kind.options.map((option) => ({ value: option, text: option }));
    return (
      <select {...common} aria-label={label} value={value} onChange={(event) => onChange(event.target.value)}>
        <option value="">—</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.text}
          </option>
        ))}
      </select>
    );
  }
  return (
    <input
      {...common}
      aria-label={label}
      type={kind === 'date' ? 'date' : 'text'}
      inputMode={kind === 'number' ? 'decimal' : undefined}
      value={value}
      onChange={(event) => onChange(event.target.value)}
    />
  );
}

/**
 * The three-way view of one conflict: for each field the edit changed, what the editor saw
 * (base), what they wrote (mine) and what PEMS holds now; the conflicting ones marked, each with a
 * choice. A merge is checked with the server's own rules as it is made, and applied only when it
 * passes. When someone else resolved it first, it says who and how.
 */
export function ResolveConflictDialog({ conflictId, onClose, returnFocus }: { conflictId: string | null; onClose(): void; returnFocus: RefObject<HTMLElement | null> }) {
  const { can } = useSession();
  const queryClient = useQueryClient();
  const conflict = useQuery({
    queryKey: conflictKeys.detail(conflictId ?? ''),
    queryFn: ({ signal }) => api.get<Conflict>(`/pems/conflicts/${conflictId}`, undefined, signal),
    enabled: conflictId !== null,
  });
  const [choices, setChoices] = useState<Record<string, Choice>>({});
  const [check, setCheck] = useState<ResolutionCheck | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const data = conflict.data;

  useEffect(() => {
    setChoices({});
    setCheck(null);
    setOutcome(null);
    setFailure(null);
  }, [conflictId]);

  const merged = useMemo(() => (data ? mergedDataOf(data, choices) : null), [data, choices]);
  const merging = Object.values(choices).some((choice) => choice.take !== 'mine');

  // The merge as it stands is checked by the server (nothing changes) once typing pauses.
  useEffect(() => {
    // A result is of the merge it was asked for: a changed merge waits for its own.
    setCheck(null);
    if (!data || !merged || !merging || data.status === 'resolved') return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api
        .post<ResolutionCheck>(`/pems/conflicts/${data.id}/check`, { resolution: 'merge', mergedData: merged })
        .then((answer) => !controller.signal.aborted && setCheck(answer))
        .catch((error: unknown) => !controller.signal.aborted && setCheck({ valid: false, errors: error instanceof ApiError ? error.errors : [], appliedChanges: null }));
    }, CHECK_DELAY_MS);
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [data, merged, merging]);

  const resolve = useMutation({
    mutationFn: (resolution: ConflictResolution) =>
      api.post<ResolveAnswer>(`/pems/conflicts/${conflictId}/resolve`, resolution === 'merge' ? { resolution, mergedData: merged } : { resolution }),
    onSuccess: (answer) => {
      setFailure(null);
      setOutcome(`Resolved. ${appliedText(answer.appliedChanges)}`);
      refreshQueries(queryClient, conflictKeys.all, recordKeys.all, modificationKeys.all, queueKeys.all, syncKeys.all);
    },
    onError: (error) => {
      if (error instanceof ApiError && error.status === 409) {
        // Someone else was first: show their resolution.
        setFailure(null);
        refreshQueries(queryClient, conflictKeys.all);
        return;
      }
      if (error instanceof ApiError && error.errors.length > 0) setCheck({ valid: false, errors: error.errors, appliedChanges: null });
      setFailure(errorText(error));
    },
  });

  const errorsByField = new Map<string, FieldError[]>();
  for (const error of check?.errors ?? []) {
    const field = error.field.replace(/^(mergedData|changes)\./, '');
    errorsByField.set(field, [...(errorsByField.get(field) ?? []), error]);
  }
  const mayResolve = can('perm_Sync');
  const choose = (field: string, change: Partial<Choice>) =>
    setChoices((previous) => ({ ...previous, [field]: { ...(previous[field] ?? { take: 'mine', typed: '' }), ...change } }));

  return (
    <Modal
      open={conflictId !== null}
      onOpenChange={(open) => !open && onClose()}
      title={data ? `Resolve conflict ${data.pfaId}` : 'Resolve conflict'}
      returnFocus={returnFocus}
      wide
    >
      {conflict.isPending && <Loading what="Loading the conflict" />}
      {conflict.isError && <ErrorNotice error={conflict.error} action="The conflict could not be loaded" />}
      {data && (
        <>
          <p>{`${data.modifiedBy?.username ?? 'Someone'} edited ${data.pfaId} on PEMS version ${data.localVersion}; PEMS was at version ${data.pemsVersion} when the edit was sent. Found ${formatDateTime(data.createdAt)}.`}</p>
          {data.status === 'resolved' && !outcome && (
            <p role="alert" className="resolved-by">
              {`Already resolved by ${data.resolvedBy?.username ?? 'someone'} at ${formatDateTime(data.resolvedAt)}: they ${data.resolution ? RESOLUTION_TEXT[data.resolution] : 'resolved it'}. ${appliedText(data.appliedChanges)}`}
            </p>
          )}
          <div className="table-wrap">
            <table aria-label="Three-way comparison">
              <thead>
                <tr>
                  <th scope="col">Field</th>
                  <th scope="col">Base (what the editor saw)</th>
                  <th scope="col">Mine (the edit)</th>
                  <th scope="col">PEMS now</th>
                  {data.status === 'unresolved' && <th scope="col">Keep</th>}
                </tr>
              </thead>
              <tbody>
                {Object.keys(data.localData).map((field) => {
                  const conflicting = data.conflictFields.includes(field);
                  const choice = choices[field] ?? { take: 'mine', typed: '' };
                  const errors = errorsByField.get(field) ?? [];
                  const errorId = errors.length > 0 ? `merge-error-${field}` : undefined;
                  return (
                    <tr key={field} className={conflicting ? 'conflicting' : undefined}>
                      <th scope="row">
                        {fieldLabel(field)}
                        {conflicting && (
                          <span className="conflict-mark">
                            <span aria-hidden="true"> ⚠ </span>
                            Conflict
                          </span>
                        )}
                      </th>
                      <td>{formatValue(data.baseData[field])}</td>
                      <td>{formatValue(data.localData[field])}</td>
                      <td>{formatValue(data.pemsData[field])}</td>
                      {data.status === 'unresolved' && (
                        <td>
                          {conflicting ? (
                            <fieldset className="choice">
                              <legend className="visually-hidden">{`Keep for ${fieldLabel(field)}`}</legend>
                              {(['mine', 'pems', 'typed'] as const).map((take) => (
                                <label key={take}>
                                  <input type="radio" name={`take-${field}`} checked={choice.take === take} onChange={() => choose(field, { take })} />
                                  {take === 'mine' ? 'Mine' : take === 'pems' ? 'PEMS' : 'Type a value'}
                                </label>
                              ))}
                              {choice.take === 'typed' && (
                                <TypedInput field={field} value={choice.typed} onChange={(typed) => choose(field, { typed })} describedBy={errorId} invalid={errors.length > 0} />
                              )}
                              {errorId && (
                                <span id={errorId} className="field-error">
                                  {errors.map((error) => error.message).join(' ')}
                                </span>
                              )}
                            </fieldset>
                          ) : (
                            <span className="hint">Mine (no conflict)</span>
                          )}
                        </td>
                      )}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {data.pemsOnlyChanges && data.pemsOnlyChanges.length > 0 && (
            <>
              <h3>Also changed in PEMS (not by this edit; kept as PEMS has them)</h3>
              <ul>
                {data.pemsOnlyChanges.map((change) => (
                  <li key={change.field}>{`${fieldLabel(change.field)}: ${formatValue(change.base)} → ${formatValue(change.pems)}`}</li>
                ))}
              </ul>
            </>
          )}
          {data.status === 'unresolved' && (
            <>
              <p role="status" className="result">
                {outcome ??
                  (merging
                    ? check === null
                      ? 'Checking the merge…'
                      : check.valid
                        ? `The merge passes the rules. ${appliedText(check.appliedChanges)}`
                        : 'The merge breaks a rule: see beside the fields.'
                    : '')}
              </p>
              {failure && (
                <p className="error" role="alert">
                  {failure}
                </p>
              )}
              {!mayResolve && <p className="hint">You need the Sync permission in this organization to resolve conflicts.</p>}
              <div className="actions">
                <button type="button" onClick={() => resolve.mutate('use_local')} disabled={!mayResolve || resolve.isPending}>
                  Keep mine for all
                </button>
                <button type="button" onClick={() => resolve.mutate('use_pems')} disabled={!mayResolve || resolve.isPending}>
                  Keep PEMS for all
                </button>
                <button type="button" className="primary" onClick={() => resolve.mutate('merge')} disabled={!mayResolve || resolve.isPending || !merging || check?.valid !== true}>
                  Apply merge
                </button>
              </div>
            </>
          )}
          {data.status === 'resolved' && outcome && (
            <p role="status" className="result">
              {outcome}
            </p>
          )}
        </>
      )}
    </Modal>
  );
}
