import { act, render, screen } from '@testing-library/react';
import { Loading, LOADING_DELAY_MS } from './feedback';

describe('Loading', () => {
  afterEach(() => vi.useRealTimers());

  it('says nothing for the first 200 ms, then that it is loading', () => {
    vi.useFakeTimers();
    render(<Loading what="Loading records" />);
    expect(screen.getByRole('status').textContent).toBe('');
    act(() => void vi.advanceTimersByTime(LOADING_DELAY_MS - 1));
    expect(screen.getByRole('status').textContent).toBe('');
    act(() => void vi.advanceTimersByTime(1));
    expect(screen.getByRole('status').textContent).toBe('Loading records…');
  });
});
