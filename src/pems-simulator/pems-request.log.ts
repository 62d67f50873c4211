/** What the simulator received and answered, so tests can check rate, order and wire format. */
export interface PemsRequestLogEntry {
  seq: number;
  /** Arrival time, ms since the epoch with sub-millisecond precision: when the simulator read the request. */
  at: number;
  /**
   * How much earlier the request may really have arrived (the simulator's event loop was busy
   * or its thread not running), in ms; null when the simulator does not watch for it
   * (option watchArrivalDelay).
   */
  atUncertaintyMs: number | null;
  method: string;
  path: string;
  tenant: string | null;
  organization: string | null;
  contentType: string | null;
  accept: string | null;
  /** Which credentials came, never their secret part. */
  auth: { type: 'basic'; username: string } | { type: 'api_key' } | null;
  /** `GET` / `UPDATE` for the screen service, `LIST` for the grid, null when unreadable. */
  action: string | null;
  pfaId: string | null;
  recordid: number | null;
  /** Changed fields of an UPDATE: PEMS name -> USERDEFINEDSCREENFIELDVALUE exactly as sent. */
  fields: Record<string, unknown>;
  cursor: number | null;
  pageSize: number | null;
  /** The status answered; null while pending or when no answer was given (see `fault`). */
  status: number | null;
  fault: 'timeout' | 'dropped' | 'lost_response' | 'injected_status' | 'unauthorized_window' | null;
}

export class PemsRequestLog {
  private entries: PemsRequestLogEntry[] = [];
  private nextSeq = 1;

  constructor(private readonly limit: number) {}

  /** Opens an entry; the caller fills it in as the request is read and answered. */
  open(fields: Omit<PemsRequestLogEntry, 'seq'>): PemsRequestLogEntry {
    const entry: PemsRequestLogEntry = { seq: this.nextSeq++, ...fields };
    this.entries.push(entry);
    // Demo mode runs for days: keep memory bounded by dropping the oldest entries.
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
    return entry;
  }

  list(sinceSeq = 0): PemsRequestLogEntry[] {
    return this.entries.filter((entry) => entry.seq > sinceSeq).map((entry) => ({ ...entry, fields: { ...entry.fields } }));
  }

  clear(): void {
    this.entries = [];
  }
}

/** The simulator's clock: ms since the epoch at sub-millisecond resolution, never going backwards. */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}
