import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createRef } from 'react';
import type { Conflict } from '../api/types';
import { SessionContext, type Session } from '../session/session';
import { jsonAnswer, renderWithProviders } from '../test-utils';
import { ResolveConflictDialog, mergedDataOf } from './ResolveConflictDialog';

const conflict: Conflict = {
  id: 'c-1',
  pfaId: 'PFA-7',
  recordId: 'r-7',
  modificationId: 'm-7',
  localVersion: 3,
  pemsVersion: 4,
  conflictFields: ['forecastEnd', 'model'],
  localData: { forecastEnd: '2026-09-30', model: 'LR 1300', monthlyRate: 9000 },
  pemsData: { forecastEnd: '2026-10-31', model: '<img src=x onerror=alert(1)>', monthlyRate: 9000 },
  baseData: { forecastEnd: '2026-08-31', model: 'LR 1200', monthlyRate: 8000 },
  pemsOnlyChanges: [{ field: 'category', base: 'Cranes', pems: 'Heavy lift' }],
  status: 'unresolved',
  createdAt: '2026-11-30T10:00:00Z',
  modifiedBy: { username: 'planner', email: 'p@example.com' },
  resolution: null,
  resolvedAt: null,
  resolvedBy: null,
  appliedChanges: null,
  mergedData: null,
};

const session = { can: () => true } as unknown as Session;

function renderDialog() {
  return renderWithProviders(
    <SessionContext.Provider value={session}>
      <ResolveConflictDialog conflictId="c-1" onClose={() => {}} returnFocus={createRef()} />
    </SessionContext.Provider>,
  );
}

describe('ResolveConflictDialog', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('builds mergedData from each conflicting field’s choice, typed as the API wants it', () => {
    expect(mergedDataOf(conflict, {})).toEqual({ forecastEnd: '2026-09-30', model: 'LR 1300' });
    expect(mergedDataOf(conflict, { forecastEnd: { take: 'pems', typed: '' }, model: { take: 'typed', typed: 'LR 1400' } })).toEqual({
      forecastEnd: '2026-10-31',
      model: 'LR 1400',
    });
  });

  it('shows base, mine and PEMS now for every changed field, marks the conflicting ones in words, and shows PEMS’s markup as text', async () => {
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(jsonAnswer(200, conflict)));
    renderDialog();
    const table = await screen.findByRole('table', { name: 'Three-way comparison' });
    const headers = [...table.querySelectorAll('thead th')].map((th) => th.textContent);
    expect(headers).toEqual(['Field', 'Base (what the editor saw)', 'Mine (the edit)', 'PEMS now', 'Keep']);
    const modelRow = screen.getByRole('rowheader', { name: /Model/ }).closest('tr')!;
    expect(modelRow.textContent).toContain('Conflict');
    expect(modelRow.textContent).toContain('<img src=x onerror=alert(1)>');
    expect(document.querySelector('img')).toBeNull();
    const rateRow = screen.getByRole('rowheader', { name: 'Monthly rate' }).closest('tr')!;
    expect(rateRow.textContent).not.toContain('Conflict');
    expect(screen.getByText('Category: Cranes → Heavy lift')).toBeTruthy();
  });

  it('checks a merge with the server as it is made and shows a refused value beside its field; Apply waits for a valid merge', async () => {
    const fetchMock = vi
      .fn()
      .mockImplementation((url: string) =>
        Promise.resolve(
          url.endsWith('/check')
            ? jsonAnswer(200, { valid: false, errors: [{ field: 'model', code: 'TOO_LONG', message: 'model is longer than 255 characters' }], appliedChanges: null })
            : jsonAnswer(200, conflict),
        ),
      );
    vi.stubGlobal('fetch', fetchMock);
    renderDialog();
    const user = userEvent.setup();
    await screen.findByRole('table', { name: 'Three-way comparison' });
    const typeRadios = screen.getAllByRole('radio', { name: 'Type a value' });
    await user.click(typeRadios[1]);
    await user.type(screen.getByLabelText('Value for Model'), 'LR 9999');
    const input = screen.getByLabelText('Value for Model');
    await vi.waitFor(() => expect(input.getAttribute('aria-invalid')).toBe('true'), { timeout: 3000 });
    expect(document.getElementById(input.getAttribute('aria-describedby')!)?.textContent).toBe('model is longer than 255 characters');
    expect((screen.getByRole('button', { name: 'Apply merge' }) as HTMLButtonElement).disabled).toBe(true);
    const check = fetchMock.mock.calls.filter(([url]) => String(url).endsWith('/check')).at(-1)!;
    expect(JSON.parse((check[1] as RequestInit).body as string)).toEqual({ resolution: 'merge', mergedData: { forecastEnd: '2026-09-30', model: 'LR 9999' } });
  });

  it('when someone else resolved it first, says who and how', async () => {
    const resolved = { ...conflict, status: 'resolved', resolution: 'use_pems', resolvedAt: '2026-11-30T10:05:00Z', resolvedBy: { id: 'u-2', username: 'colleague' } };
    let answeredOnce = false;
    vi.stubGlobal(
      'fetch',
      vi.fn().mockImplementation((url: string, init?: RequestInit) => {
        if (init?.method === 'POST') return Promise.resolve(jsonAnswer(409, { code: 'CONFLICT_ALREADY_RESOLVED', message: 'The conflict has been resolved already' }));
        const body = answeredOnce ? resolved : conflict;
        answeredOnce = true;
        return Promise.resolve(jsonAnswer(200, body));
      }),
    );
    renderDialog();
    await screen.findByRole('table', { name: 'Three-way comparison' });
    await userEvent.setup().click(screen.getByRole('button', { name: 'Keep mine for all' }));
    const alert = await screen.findByText(/Already resolved by colleague/);
    expect(alert.textContent).toContain("kept PEMS's values");
  });
});
