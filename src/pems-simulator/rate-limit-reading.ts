import { PemsRequestLogEntry } from './pems-request.log';

/**
 * The rate limit as the simulator's request log shows it, honest about what the log can show.
 * Each arrival time may be late by up to its atUncertaintyMs (the simulator's thread was busy or
 * not running), so a window of `limit + 1` requests is:
 * - `certain` to breach the limit when even the earliest they may have arrived keeps them within
 *   one second;
 * - `possible` when the recorded times put them within a second, or their uncertainty could.
 * `conclusive` is false when a window is possible but not certain: the log cannot say.
 */
export interface RateLimitReading {
  /** The most requests recorded within any one second. */
  most: number;
  certainBreaches: number;
  possibleBreaches: number;
  conclusive: boolean;
  /** The largest arrival-time uncertainty in the log, ms. */
  worstUncertaintyMs: number;
}

type Arrival = Pick<PemsRequestLogEntry, 'at' | 'atUncertaintyMs'>;

export function readRateLimit(entries: Arrival[], limit: number): RateLimitReading {
  const sorted = [...entries].sort((a, b) => a.at - b.at);
  const uncertainty = (entry: Arrival) => entry.atUncertaintyMs ?? 0;
  let certainBreaches = 0;
  let possibleBreaches = 0;
  for (let first = 0; first + limit < sorted.length; first += 1) {
    const window = sorted.slice(first, first + limit + 1);
    const last = window[window.length - 1];
    if (last.at - Math.min(...window.map((entry) => entry.at - uncertainty(entry))) < 1000) certainBreaches += 1;
    if (last.at - uncertainty(last) - window[0].at < 1000) possibleBreaches += 1;
  }
  return {
    most: mostInAnySecond(sorted.map((entry) => entry.at)),
    certainBreaches,
    possibleBreaches,
    conclusive: certainBreaches > 0 || possibleBreaches === 0,
    worstUncertaintyMs: Math.max(0, ...sorted.map(uncertainty)),
  };
}

/** The most of `times` (ms) within any one second (a sliding window). */
export function mostInAnySecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    while (sorted[end] - sorted[start] >= 1000) start += 1;
    most = Math.max(most, end - start + 1);
  }
  return most;
}
