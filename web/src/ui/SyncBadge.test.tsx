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
    const badge = screen.getByText(text).closest('[data-sync-state]')!;
    expect(badge.getAttribute('data-sync-state')).toBe(state);
    expect(badge.tagName).toBe('SPAN');
    expect(badge.querySelector('svg[aria-hidden="true"]')).not.toBeNull();
  });
});

describe('SyncBadge details', () => {
  it('carries the time and the error as text for screen readers, not only in the hover tooltip', () => {
    renderWithProviders(<SyncBadge state="failed" at="2026-11-30T10:00:00Z" error="403 InsufficientPrivileges" />);
    const badge = screen.getByText('Failed').closest('[data-sync-state]')!;
    expect(badge.textContent).toContain('Error: 403 InsufficientPrivileges');
    expect(badge.textContent).toMatch(/Since /);
  });
});
