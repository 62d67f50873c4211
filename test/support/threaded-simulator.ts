import { join } from 'node:path';
import { MessageChannel, MessagePort, Worker, receiveMessageOnPort } from 'node:worker_threads';
import { PemsFaultConfig } from '../../src/pems-simulator/pems-fault.injector';
import { PemsRequestLogEntry } from '../../src/pems-simulator/pems-request.log';
import { PemsGridQuirks } from '../../src/pems-simulator/pems-rest-services.handler';
import { SeedOptions } from '../../src/pems-simulator/pems-seed-data';
import { PemsSimulatorAddress, PemsSimulatorOptions } from '../../src/pems-simulator/pems-simulator';
import { SimulatedPemsRecord, SimulatedPemsRecordInput } from '../../src/pems-simulator/pems-record.store';
import { PemsSimulatorCredentials } from '../../src/pems-simulator/pems-tenant.authenticator';

/** The longest a call to the simulator's thread may take before the test gives up on it. */
const CALL_TIMEOUT_MS = 30_000;

/**
 * The PEMS simulator in a worker thread of its own, with the same (synchronous) methods as
 * PemsSimulator. It reads requests on its own event loop, so the arrival times in its log are
 * not delayed by the app under test, which shares the test's thread: what it measures is what
 * left the app, not how busy the test process was. Each entry also says how late its arrival
 * time may still be (atUncertaintyMs), for when the machine itself is busy.
 */
export class ThreadedPemsSimulator {
  private readonly worker: Worker;
  private readonly replies: MessagePort;
  private readonly flag: Int32Array;
  private address: PemsSimulatorAddress | null = null;

  constructor(options: PemsSimulatorOptions = {}) {
    const channel = new MessageChannel();
    const signal = new SharedArrayBuffer(4);
    this.flag = new Int32Array(signal);
    this.replies = channel.port1;
    this.worker = new Worker(join(__dirname, 'simulator-thread.js'), {
      workerData: { options: { ...options, watchArrivalDelay: true }, replies: channel.port2, signal },
      transferList: [channel.port2],
    });
    this.worker.unref();
  }

  private call<T>(method: string, ...args: unknown[]): T {
    Atomics.store(this.flag, 0, 0);
    this.worker.postMessage({ method, args });
    if (Atomics.wait(this.flag, 0, 0, CALL_TIMEOUT_MS) === 'timed-out') throw new Error(`The simulator thread did not answer ${method} within ${CALL_TIMEOUT_MS} ms`);
    const reply = receiveMessageOnPort(this.replies)?.message as { result?: T; error?: { name: string; message: string } } | undefined;
    if (!reply) throw new Error(`The simulator thread answered ${method} with nothing`);
    if (reply.error) throw Object.assign(new Error(reply.error.message), { name: reply.error.name });
    return reply.result as T;
  }

  async start(port = 0, host = '127.0.0.1'): Promise<PemsSimulatorAddress> {
    this.address = this.call<PemsSimulatorAddress>('start', port, host);
    return { ...this.address };
  }

  async stop(): Promise<void> {
    this.call('stop');
    await this.worker.terminate();
  }

  get baseUrl(): string {
    if (!this.address) throw new Error('The PEMS simulator is not running');
    return this.address.baseUrl;
  }

  seed(organization: string, count: number, options: SeedOptions = {}): number {
    return this.call('seed', organization, count, options);
  }

  reset(): void {
    this.call('reset');
  }

  getRecord(organization: string, pfaId: string): SimulatedPemsRecord | null {
    return this.call('getRecord', organization, pfaId);
  }

  listRecords(organization: string, offset = 0, limit = 100): { records: SimulatedPemsRecord[]; total: number } {
    return this.call('listRecords', organization, offset, limit);
  }

  putRecord(input: SimulatedPemsRecordInput): SimulatedPemsRecord {
    return this.call('putRecord', input);
  }

  changeRecord(organization: string, pfaId: string, fields: Record<string, unknown>): SimulatedPemsRecord {
    return this.call('changeRecord', organization, pfaId, fields);
  }

  deleteRecord(organization: string, pfaId: string): boolean {
    return this.call('deleteRecord', organization, pfaId);
  }

  setFaults(config: PemsFaultConfig): void {
    this.call('setFaults', config);
  }

  clearFaults(): void {
    this.call('clearFaults');
  }

  setRateLimit(perSecond: number | null, tenant?: string): void {
    this.call('setRateLimit', perSecond, tenant);
  }

  setConflictStatus(status: 409 | 400): void {
    this.call('setConflictStatus', status);
  }

  setCredentials(tenant: string, credentials: PemsSimulatorCredentials): void {
    this.call('setCredentials', tenant, credentials);
  }

  setFieldMap(override: Record<string, string> | null): void {
    this.call('setFieldMap', override);
  }

  setMaxGridPageSize(maxRows: number): void {
    this.call('setMaxGridPageSize', maxRows);
  }

  setGridQuirks(quirks: PemsGridQuirks): void {
    this.call('setGridQuirks', quirks);
  }

  getLog(sinceSeq = 0): PemsRequestLogEntry[] {
    return this.call('getLog', sinceSeq);
  }

  clearLog(): void {
    this.call('clearLog');
  }
}
