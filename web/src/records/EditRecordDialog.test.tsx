import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createRef } from 'react';
import type { PfaRecord } from '../api/types';
import { jsonAnswer, renderWithProviders } from '../test-utils';
import { EditRecordDialog, changedValues } from './EditRecordDialog';

const record: PfaRecord = {
  id: 'rec-1',
  organizationId: 'org-1',
  pfaId: 'PFA-1',
  version: 3,
  values: { forecastStart: '2026-01-01', forecastEnd: '2026-06-30', monthlyRate: 1200, source: 'Rental', dor: 'BEO', category: 'Cranes', isDiscontinued: false },
  pemsValues: {},
  changedFields: [],
  syncState: 'synced',
  lastSyncedAt: null,
  lastEditAt: null,
  lastEditError: null,
  deletedInPemsAt: null,
  updatedAt: '2026-01-01T00:00:00Z',
};

describe('EditRecordDialog', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('sends only the fields the user changed, typed as the API wants them', () => {
    const form = {
      forecastStart: '2026-01-01',
      forecastEnd: '2026-07-31',
      monthlyRate: '1300.5',
      purchasePrice: '',
      dor: 'BEO',
      category: 'Cranes',
      class: '',
      source: 'Rental',
      manufacturer: '',
      model: '',
      isDiscontinued: true,
      isFundsTransferable: false,
    };
    expect(changedValues(record, form)).toEqual({ forecastEnd: '2026-07-31', monthlyRate: 1300.5, isDiscontinued: true });
  });

  it('shows every server validation error beside its field at once, and keeps the dialog open', async () => {
    const fetchMock = vi.fn().mockResolvedValue(
      jsonAnswer(400, {
        statusCode: 400,
        code: 'VALIDATION_FAILED',
        message: 'The change is invalid',
        errors: [
          { field: 'forecastEnd', code: 'INVALID_DATE_ORDER', message: 'forecastStart must not be after forecastEnd' },
          { field: 'monthlyRate', code: 'INVALID_VALUE', message: 'monthlyRate must not be negative' },
        ],
      }),
    );
    vi.stubGlobal('fetch', fetchMock);
    const onSaved = vi.fn();
    renderWithProviders(<EditRecordDialog record={record} open onOpenChange={() => {}} onSaved={onSaved} returnFocus={createRef()} />);
    const user = userEvent.setup();

    await user.clear(screen.getByLabelText('Forecast end'));
    await user.type(screen.getByLabelText('Forecast end'), '2025-01-01');
    await user.clear(screen.getByLabelText('Monthly rate'));
    await user.type(screen.getByLabelText('Monthly rate'), '-5');
    await user.click(screen.getByRole('button', { name: 'Save' }));

    const end = screen.getByLabelText('Forecast end');
    await vi.waitFor(() => expect(end.getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById(end.getAttribute('aria-describedby')!)?.textContent).toBe('forecastStart must not be after forecastEnd');
    const rate = screen.getByLabelText('Monthly rate');
    expect(rate.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(rate.getAttribute('aria-describedby')!)?.textContent).toBe('monthlyRate must not be negative');
    expect(screen.getByLabelText('Category').getAttribute('aria-invalid')).toBeNull();
    expect(screen.getByRole('alert').textContent).toContain('2 problems');
    expect(onSaved).not.toHaveBeenCalled();

    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('/api/pfa/rec-1');
    expect(JSON.parse(init.body as string)).toEqual({ changes: { forecastEnd: '2025-01-01', monthlyRate: -5 } });
  });

  it('hands the saved modification on as soon as the server answers', async () => {
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(jsonAnswer(201, { id: 'mod-1', status: 'pending' })));
    const onSaved = vi.fn();
    renderWithProviders(<EditRecordDialog record={record} open onOpenChange={() => {}} onSaved={onSaved} returnFocus={createRef()} />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Change reason'), 'crane arrives later');
    await user.clear(screen.getByLabelText('Forecast start'));
    await user.type(screen.getByLabelText('Forecast start'), '2026-02-01');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await vi.waitFor(() => expect(onSaved).toHaveBeenCalledWith({ id: 'mod-1', status: 'pending' }));
  });

  it('says so when nothing changed, without asking the server', async () => {
    const fetchMock = vi.fn();
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<EditRecordDialog record={record} open onOpenChange={() => {}} onSaved={() => {}} returnFocus={createRef()} />);
    await userEvent.setup().click(screen.getByRole('button', { name: 'Save' }));
    expect(screen.getByRole('alert').textContent).toMatch(/Nothing changed/);
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
