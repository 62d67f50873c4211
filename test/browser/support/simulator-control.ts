import type { PemsFaultConfig } from '../../../src/pems-simulator/pems-fault.injector';
import type { SimulatedPemsRecord } from '../../../src/pems-simulator/pems-record.store';
import type { PemsRequestLogEntry } from '../../../src/pems-simulator/pems-request.log';

/**
 * The PEMS simulator's control API (`/__sim`, README "The PEMS simulator"), over HTTP as an
 * operator or a test script outside the process would use it, for one organization.
 */
export class SimulatorControl {
  constructor(
    readonly url: string,
    private readonly organization: string,
  ) {}

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} /__sim${path} answered ${response.status}: ${text}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /** `count` generated records PFA-10001 ... (the same ones for the same seed). */
  async seed(count: number, seed: number): Promise<void> {
    await this.request('POST', '/seed', { organization: this.organization, count, seed });
  }

  /** A record with exactly these fields (the others empty), as PEMS would hold it. */
  async putRecord(pfaId: string, data: Record<string, unknown>): Promise<SimulatedPemsRecord> {
    return this.request('PUT', `/records/${encodeURIComponent(this.organization)}/${encodeURIComponent(pfaId)}`, { data });
  }

  /** Changes these fields of a record as another PEMS user would: PEMS moves it to a new version (its recordid). */
  changeRecord(pfaId: string, fields: Record<string, unknown>): Promise<SimulatedPemsRecord> {
    return this.request('POST', `/records/${encodeURIComponent(this.organization)}/${encodeURIComponent(pfaId)}/change`, { fields });
  }

  getRecord(pfaId: string): Promise<SimulatedPemsRecord> {
    return this.request('GET', `/records/${encodeURIComponent(this.organization)}/${encodeURIComponent(pfaId)}`);
  }

  async setFaults(config: PemsFaultConfig): Promise<void> {
    await this.request('PUT', '/faults', config);
  }

  async clearFaults(): Promise<void> {
    await this.request('DELETE', '/faults');
  }

  log(since = 0): Promise<PemsRequestLogEntry[]> {
    return this.request('GET', `/log?since=${since}`);
  }
}
