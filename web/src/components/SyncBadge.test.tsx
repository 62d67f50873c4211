import { screen } from '@testing-library/react';
import { renderWithProviders } from '../test-utils';
import { SyncBadge, indicatorState } from './SyncBadge';

describe('SyncBadge', () => {
  it.each([
    ['pending', 'draft', 'Draft'],
    ['queued', 'queued', 'Queued'],
    ['syncing', 'syncing', 'Syncing'],
    ['synced', 'synced', 'Synced'],
    ['conflict', 'conflict', 'Conflict'],
    ['failed', 'failed', 'Failed'],
  ] as const)('the API state %s shows as %s with an icon and the text %s', (api, state, text) => {
    renderWithProviders(<SyncBadge state={indicatorState(api)} />);
    const badge = screen.getByRole('button', { name: text });
    expect(badge.getAttribute('data-sync-state')).toBe(state);
    expect(badge.querySelector('svg[aria-hidden="true"]')).not.toBeNull();
  });
});
