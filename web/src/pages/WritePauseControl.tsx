import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { ServerState } from '../api/types';
import { errorText } from '../components/feedback';
import { formatDateTime } from '../components/format';
import { Modal } from '../components/Modal';
import { useSession } from '../session/session';

/** Pause writes to the organization's PEMS server for a maintenance window at PEMS, and resume them (perm_Admin). */
export function WritePauseControl() {
  const { organization, can } = useSession();
  const organizationId = organization.organizationId;
  const queryClient = useQueryClient();
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const pauseButton = useRef<HTMLButtonElement>(null);
  const server = useQuery({ queryKey: ['server-state', organizationId], queryFn: ({ signal }) => api.get<ServerState>('/pems/server-state', { organizationId }, signal) });

  const change = useMutation({
    mutationFn: (action: 'pause' | 'resume') => api.post(`/admin/organizations/${organizationId}/api-server/${action}`, action === 'pause' ? { reason: reason.trim() } : {}),
    onSuccess: (_answer, action) => {
      setError(null);
      setAsking(false);
      setDone(action === 'pause' ? 'Writes are paused: nothing is sent to PEMS until they are resumed.' : 'Writes resumed: the queue is being sent.');
      void queryClient.invalidateQueries({ predicate: (query) => ['server-state', 'sync-status'].includes(String(query.queryKey[0])) });
    },
    onError: (caught) => setError(errorText(caught)),
  });

  const state = server.data;
  if (!state?.configured) return null;
  const paused = state.writesPaused;
  const admin = can('perm_Admin');

  function submit(event: FormEvent) {
    event.preventDefault();
    if (reason.trim() === '') {
      setError('Say why writes are paused: the people watching the queue will read it.');
      return;
    }
    change.mutate('pause');
  }

  return (
    <section aria-labelledby="pause-title" className="pause">
      <h2 id="pause-title">Writes to PEMS</h2>
      <p>
        {paused
          ? `Paused by ${paused.by?.username ?? 'an administrator'} at ${formatDateTime(paused.at)}: ${paused.reason ?? 'no reason given'}`
          : 'Running: queued edits are sent as they are due.'}
      </p>
      {admin ? (
        paused ? (
          <button type="button" onClick={() => change.mutate('resume')} disabled={change.isPending}>
            Resume writes
          </button>
        ) : (
          <button
            ref={pauseButton}
            type="button"
            onClick={() => {
              setReason('');
              setError(null);
              setAsking(true);
            }}
          >
            Pause writes
          </button>
        )
      ) : (
        <p className="hint">Only an administrator of this organization can pause or resume writes.</p>
      )}
      <p role="status">{done ?? ''}</p>
      {error && !asking && (
        <p className="error" role="alert">
          {error}
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
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? 'pause-error' : undefined}
            />
            {error && (
              <span id="pause-error" className="field-error">
                {error}
              </span>
            )}
          </div>
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
