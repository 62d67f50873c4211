import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { refreshQueries } from '../api/refresh';
import type { ServerState } from '../api/types';
import { useSession } from '../session/session';
import { syncKeys } from '../sync/queries';
import { errorText } from '../ui/feedback';
import { formatDateTime } from '../ui/format';
import { Modal } from '../ui/Modal';

/** Pause writes to the organization's PEMS server for a maintenance window at PEMS, and resume them (perm_Admin). */
export function WritePauseControl() {
  const { organization, can } = useSession();
  const organizationId = organization.organizationId;
  const queryClient = useQueryClient();
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  /** The control that must get the focus once the state it changed is shown (the other button replaces the one pressed). */
  const focusNext = useRef<'pause' | 'resume' | null>(null);
  const pauseButton = useRef<HTMLButtonElement>(null);
  const resumeButton = useRef<HTMLButtonElement>(null);
  const server = useQuery({ queryKey: syncKeys.server(organizationId), queryFn: ({ signal }) => api.get<ServerState>('/pems/server-state', { organizationId }, signal) });

  const change = useMutation({
    mutationFn: (action: 'pause' | 'resume') => api.post(`/admin/organizations/${organizationId}/api-server/${action}`, action === 'pause' ? { reason: reason.trim() } : {}),
    onSuccess: (_answer, action) => {
      setFailure(null);
      setAsking(false);
      focusNext.current = action === 'pause' ? 'resume' : 'pause';
      refreshQueries(queryClient, syncKeys.all);
    },
    onError: (caught) => setFailure(errorText(caught)),
  });

  const paused = server.data?.writesPaused ?? null;
  useEffect(() => {
    if (focusNext.current === 'resume' && resumeButton.current) resumeButton.current.focus();
    else if (focusNext.current === 'pause' && pauseButton.current) pauseButton.current.focus();
    else return;
    focusNext.current = null;
  }, [paused]);

  if (!server.data?.configured) return null;
  const admin = can('perm_Admin');

  function submit(event: FormEvent) {
    event.preventDefault();
    if (reason.trim() === '') {
      setReasonError('Say why writes are paused: the people watching the queue will read it.');
      return;
    }
    setReasonError(null);
    change.mutate('pause');
  }

  return (
    <section aria-labelledby="pause-title" className="pause">
      <h2 id="pause-title">Writes to PEMS</h2>
      <p role="status">
        {paused
          ? `Paused by ${paused.by?.username ?? 'a user since deleted'} at ${formatDateTime(paused.at)}: ${paused.reason}`
          : 'Running: queued edits are sent as they are due.'}
      </p>
      {admin ? (
        paused ? (
          <button ref={resumeButton} type="button" onClick={() => change.mutate('resume')} disabled={change.isPending}>
            Resume writes
          </button>
        ) : (
          <button
            ref={pauseButton}
            type="button"
            onClick={() => {
              setReason('');
              setReasonError(null);
              setFailure(null);
              setAsking(true);
            }}
          >
            Pause writes
          </button>
        )
      ) : (
        <p className="hint">Only an administrator of this organization can pause or resume writes.</p>
      )}
      {failure && !asking && (
        <p className="error" role="alert">
          {`Nothing changed. ${failure}`}
        </p>
      )}
      <Modal
        open={asking}
        onOpenChange={setAsking}
        title="Pause writes"
        description="Nothing will be sent to this PEMS server until writes are resumed. Edits keep being queued."
        returnFocus={pauseButton}
      >
        <form onSubmit={submit} noValidate>
          <div className="field">
            <label htmlFor="pause-reason">Reason</label>
            <input
              id="pause-reason"
              value={reason}
              maxLength={500}
              onChange={(event) => setReason(event.target.value)}
              aria-invalid={reasonError ? true : undefined}
              aria-describedby={reasonError ? 'pause-reason-error' : undefined}
            />
            {reasonError && (
              <span id="pause-reason-error" className="field-error">
                {reasonError}
              </span>
            )}
          </div>
          {failure && (
            <p className="error" role="alert">
              {`Writes were not paused. ${failure}`}
            </p>
          )}
          <div className="actions">
            <button type="submit" className="primary" disabled={change.isPending}>
              Pause
            </button>
            <button type="button" onClick={() => setAsking(false)}>
              Cancel
            </button>
          </div>
        </form>
      </Modal>
    </section>
  );
}
