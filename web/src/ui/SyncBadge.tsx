import * as Tooltip from '@radix-ui/react-tooltip';
import type { ApiSyncState } from '../api/types';

export type SyncIndicatorState = 'draft' | 'queued' | 'syncing' | 'synced' | 'conflict' | 'failed';

export const indicatorState = (state: ApiSyncState): SyncIndicatorState => (state === 'pending' ? 'draft' : state);

const TEXT: Record<SyncIndicatorState, string> = {
  draft: 'Draft',
  queued: 'Queued',
  syncing: 'Syncing',
  synced: 'Synced',
  conflict: 'Conflict',
  failed: 'Failed',
};

const MEANING: Record<SyncIndicatorState, string> = {
  draft: 'Edited here, not yet sent to PEMS',
  queued: 'Waiting to be sent to PEMS',
  syncing: 'Being sent to PEMS now',
  synced: 'PEMS holds these values',
  conflict: 'PEMS changed the record meanwhile: a person must decide',
  failed: 'PEMS refused the last edit',
};

/** One small icon per state, so that the state never rests on colour alone; the text says it too. */
function Icon({ state }: { state: SyncIndicatorState }) {
  const common = { width: 14, height: 14, viewBox: '0 0 16 16', 'aria-hidden': true, focusable: false, fill: 'none', stroke: 'currentColor', strokeWidth: 2 } as const;
  switch (state) {
    case 'draft':
      return (
        <svg {...common}>
          <path d="M3 13l1-4 7-7 3 3-7 7z" />
        </svg>
      );
    case 'queued':
      return (
        <svg {...common}>
          <circle cx="8" cy="8" r="6" />
          <path d="M8 4v4l3 2" />
        </svg>
      );
    case 'syncing':
      return (
        <svg {...common}>
          <path d="M13 6a5 5 0 0 0-9-1M3 10a5 5 0 0 0 9 1" />
          <path d="M4 2v3h3M12 14v-3H9" />
        </svg>
      );
    case 'synced':
      return (
        <svg {...common}>
          <path d="M3 8l3 3 7-7" />
        </svg>
      );
    case 'conflict':
      return (
        <svg {...common}>
          <path d="M8 2l6 12H2z" />
          <path d="M8 6v4M8 12v1" />
        </svg>
      );
    case 'failed':
      return (
        <svg {...common}>
          <circle cx="8" cy="8" r="6" />
          <path d="M5.5 5.5l5 5M10.5 5.5l-5 5" />
        </svg>
      );
  }
}

/**
 * A record's (or an edit's) sync state: icon and text. Hovering shows a tooltip with what it
 * means, when, and the error; the same words are in the badge for screen readers (visually
 * hidden), and the record's page shows them to everyone. The badge takes no focus: a table of
 * 50 rows must not cost 50 extra tab stops.
 */
export function SyncBadge({ state, at, error }: { state: SyncIndicatorState; at?: string | null; error?: string | null }) {
  const when = at ? new Date(at).toLocaleString() : null;
  const since = when ? `${state === 'synced' ? 'Last synced' : 'Since'} ${when}` : null;
  return (
    <Tooltip.Root>
      <Tooltip.Trigger asChild>
        <span className={`sync-badge sync-${state}`} data-sync-state={state}>
          <Icon state={state} />
          <span>{TEXT[state]}</span>
          {(since || error) && <span className="visually-hidden">{` (${[since, error ? `Error: ${error}` : null].filter(Boolean).join('. ')})`}</span>}
        </span>
      </Tooltip.Trigger>
      <Tooltip.Portal>
        <Tooltip.Content className="tooltip" sideOffset={4}>
          <span>{MEANING[state]}</span>
          {since && <span>{since}</span>}
          {error && <span>{`Error: ${error}`}</span>}
          <Tooltip.Arrow className="tooltip-arrow" />
        </Tooltip.Content>
      </Tooltip.Portal>
    </Tooltip.Root>
  );
}
