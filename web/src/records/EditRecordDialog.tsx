import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent, type RefObject } from 'react';
import { ApiError, api } from '../api/client';
import { refreshQueries } from '../api/refresh';
import type { FieldError, Modification, PfaRecord } from '../api/types';
import { errorText } from '../ui/feedback';
import { Modal } from '../ui/Modal';
import { EDITABLE_FIELDS, typedValue, type FieldKind } from '../ui/pfa-fields';
import { modificationKeys, recordKeys } from './queries';

type FormValues = Record<string, string | boolean>;

function toForm(record: PfaRecord): FormValues {
  const form: FormValues = {};
  for (const { field, kind } of EDITABLE_FIELDS) {
    const value = record.values[field];
    form[field] = kind === 'boolean' ? value === true : value === null || value === undefined ? '' : String(value);
  }
  return form;
}

/** The fields whose value the user changed, typed as the API wants them. A number that is not one is sent as typed: the server says why it is refused. */
export function changedValues(record: PfaRecord, form: FormValues): Record<string, unknown> {
  const before = toForm(record);
  const changes: Record<string, unknown> = {};
  for (const { field, kind } of EDITABLE_FIELDS) {
    if (form[field] === before[field]) continue;
    changes[field] = typedValue(kind, form[field]);
  }
  return changes;
}

const errorFieldName = (field: string) => field.replace(/^changes\./, '');

/**
 * Edits a record's editable fields. The server checks every rule on the record as it would be
 * after the change and answers all errors at once; each is shown beside its field.
 */
export function EditRecordDialog({
  record,
  open,
  onOpenChange,
  onSaved,
  returnFocus,
}: {
  record: PfaRecord;
  open: boolean;
  onOpenChange(open: boolean): void;
  onSaved(modification: Modification): void;
  returnFocus: RefObject<HTMLElement | null>;
}) {
  const queryClient = useQueryClient();
  // The record as it was when the dialog opened: the change is what the user typed against it,
  // even if a live refresh brings newer values meanwhile (they are not sent back as "changes").
  const [opened, setOpened] = useState<PfaRecord>(record);
  const [form, setForm] = useState<FormValues>(() => toForm(record));
  const [reason, setReason] = useState('');
  const [fieldErrors, setFieldErrors] = useState<Record<string, FieldError[]>>({});
  const [formError, setFormError] = useState<string | null>(null);

  // Each opening starts from the record as it is now.
  useEffect(() => {
    if (!open) return;
    setOpened(record);
    setForm(toForm(record));
    setReason('');
    setFieldErrors({});
    setFormError(null);
    // Only when the dialog opens: a live refresh of the record must not wipe what the user is typing.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);

  const save = useMutation({
    mutationFn: (changes: Record<string, unknown>) => api.patch<Modification>(`/pfa/${record.id}`, { changes, ...(reason.trim() ? { changeReason: reason.trim() } : {}) }),
    onSuccess: (modification) => {
      onSaved(modification);
      refreshQueries(queryClient, recordKeys.all, modificationKeys.all);
    },
    onError: (error) => {
      if (error instanceof ApiError && error.errors.length > 0) {
        const byField: Record<string, FieldError[]> = {};
        const general: string[] = [];
        for (const fieldError of error.errors) {
          const field = errorFieldName(fieldError.field);
          if (EDITABLE_FIELDS.some((editable) => editable.field === field)) byField[field] = [...(byField[field] ?? []), fieldError];
          else general.push(fieldError.message);
        }
        setFieldErrors(byField);
        const count = error.errors.length;
        setFormError(
          general.length > 0
            ? general.join(' ')
            : `The edit was refused: ${count} ${count === 1 ? 'problem' : 'problems'}, shown beside ${count === 1 ? 'its field' : 'their fields'}.`,
        );
      } else {
        setFieldErrors({});
        setFormError(errorText(error));
      }
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    const changes = changedValues(opened, form);
    if (Object.keys(changes).length === 0) {
      setFieldErrors({});
      setFormError('Nothing changed: change a value, or close.');
      return;
    }
    setFormError(null);
    save.mutate(changes);
  }

  function input(field: string, label: string, kind: FieldKind) {
    const id = `edit-${field}`;
    const errors = fieldErrors[field] ?? [];
    const errorId = errors.length > 0 ? `${id}-error` : undefined;
    const common = { id, name: field, 'aria-invalid': errors.length > 0 ? true : undefined, 'aria-describedby': errorId };
    const set = (value: string | boolean) => setForm((previous) => ({ ...previous, [field]: value }));
    let control;
    if (kind === 'boolean') {
      control = <input {...common} type="checkbox" checked={form[field] === true} onChange={(event) => set(event.target.checked)} />;
    } else if (typeof kind === 'object') {
      control = (
        <select {...common} value={String(form[field])} onChange={(event) => set(event.target.value)}>
          <option value="">—</option>
          {kind.options.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      );
    } else {
      control = (
        <input
          {...common}
          type={kind === 'date' ? 'date' : 'text'}
          inputMode={kind === 'number' ? 'decimal' : undefined}
          value={String(form[field])}
          onChange={(event) => set(event.target.value)}
        />
      );
    }
    return (
      <div key={field} className={kind === 'boolean' ? 'field checkbox' : 'field'}>
        <label htmlFor={id}>{label}</label>
        {control}
        {errorId && (
          <span id={errorId} className="field-error">
            {errors.map((error) => error.message).join(' ')}
          </span>
        )}
      </div>
    );
  }

  return (
    <Modal
      open={open}
      onOpenChange={onOpenChange}
      returnFocus={returnFocus}
      title={`Edit ${record.pfaId}`}
      description="Only the forecast and the commercial fields can be edited; plan and actual values come from PEMS."
      wide
    >
      <form onSubmit={submit} noValidate className="edit-form">
        <div className="field-grid">{EDITABLE_FIELDS.map(({ field, label, kind }) => input(field, label, kind))}</div>
        <div className="field">
          <label htmlFor="edit-reason">Change reason</label>
          <textarea id="edit-reason" name="changeReason" maxLength={1000} value={reason} onChange={(event) => setReason(event.target.value)} rows={2} />
        </div>
        {formError && (
          <p className="error" role="alert">
            {formError}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="primary" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : 'Save'}
          </button>
          <button type="button" onClick={() => onOpenChange(false)}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}
