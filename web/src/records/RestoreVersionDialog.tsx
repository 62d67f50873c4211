import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent, type RefObject } from 'react';
import { ApiError, api } from '../api/client';
import { refreshQueries } from '../api/refresh';
import type { Modification, RestorePreview } from '../api/types';
import { ErrorNotice, Loading, errorText } from '../ui/feedback';
import { fieldLabel, formatDateTime, formatValue } from '../ui/format';
import { Modal } from '../ui/Modal';
import { modificationKeys, recordKeys } from './queries';

/**
 * Restoring a past version: a preview of what it would change (the editable fields whose value
 * differs now), then, with a reason, an edit that sets them back. The edit goes through the
 * same validation and the same queue as any other.
 */
export function RestoreVersionDialog({
  recordId,
  version,
  onClose,
  onRestored,
  returnFocus,
}: {
  recordId: string;
  version: number | null;
  onClose(): void;
  onRestored(modification: Modification, version: number): void;
  returnFocus: RefObject<HTMLElement | null>;
}) {
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const preview = useQuery({
    queryKey: [...recordKeys.detail(recordId), 'restore-preview', version],
    queryFn: ({ signal }) => api.get<RestorePreview>(`/pfa/${recordId}/restore-preview`, { version: version ?? undefined }, signal),
    enabled: version !== null,
  });

  useEffect(() => {
    setReason('');
    setReasonError(null);
    setFailure(null);
  }, [version]);

  const restore = useMutation({
    mutationFn: () => api.post<Modification>(`/pfa/${recordId}/restore`, { version, changeReason: reason.trim() }),
    onSuccess: (modification) => {
      refreshQueries(queryClient, recordKeys.all, modificationKeys.all);
      onRestored(modification, version!);
    },
    onError: (error) => {
      if (error instanceof ApiError && error.errors.length > 0)
        setFailure(`${error.message}: ${error.errors.map((fieldError) => `${fieldLabel(fieldError.field.replace(/^changes\./, ''))}: ${fieldError.message}`).join('; ')}`);
      else setFailure(errorText(error));
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (reason.trim() === '') {
      setReasonError('Say why this version is restored: it goes with the edit to PEMS’s history.');
      return;
    }
    setReasonError(null);
    restore.mutate();
  }

  const changes = preview.data?.changes ?? [];
  return (
    <Modal open={version !== null} onOpenChange={(open) => !open && onClose()} title={`Restore version ${version ?? ''}`} returnFocus={returnFocus} wide>
      {preview.isPending && <Loading what="Comparing with the version" />}
      {preview.isError && <ErrorNotice error={preview.error} action="The version could not be compared" />}
      {preview.data && (
        <form onSubmit={submit} noValidate>
          <p>{`The mirror saw version ${preview.data.version} on ${formatDateTime(preview.data.seenAt)}. Restoring it creates a draft edit of the fields below; it is checked like any edit and sent to PEMS from My edits.`}</p>
          {changes.length === 0 ? (
            <p role="status">Every editable field already has this version’s value: there is nothing to restore.</p>
          ) : (
            <table aria-label="What restoring changes">
              <thead>
                <tr>
                  <th scope="col">Field</th>
                  <th scope="col">Now</th>
                  <th scope="col">Restored</th>
                </tr>
              </thead>
              <tbody>
                {changes.map((change) => (
                  <tr key={change.field}>
                    <th scope="row">{fieldLabel(change.field)}</th>
                    <td>{formatValue(change.current)}</td>
                    <td>{formatValue(change.restored)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <div className="field">
            <label htmlFor="restore-reason">Reason</label>
            <textarea
              id="restore-reason"
              rows={2}
              maxLength={1000}
              value={reason}
              onChange={(event) => setReason(event.target.value)}
              aria-invalid={reasonError ? true : undefined}
              aria-describedby={reasonError ? 'restore-reason-error' : undefined}
            />
            {reasonError && (
              <span id="restore-reason-error" className="field-error">
                {reasonError}
              </span>
            )}
          </div>
          {failure && (
            <p className="error" role="alert">
              {failure}
            </p>
          )}
          <div className="actions">
            <button type="submit" className="primary" disabled={restore.isPending || changes.length === 0}>
              Restore this version
            </button>
            <button type="button" onClick={onClose}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </Modal>
  );
}
