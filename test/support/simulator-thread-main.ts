import { MessagePort, parentPort, workerData } from 'node:worker_threads';
import { PemsSimulator, PemsSimulatorOptions } from '../../src/pems-simulator/pems-simulator';

/**
 * Runs a PemsSimulator in this worker thread and answers the test's calls (threaded-simulator.ts):
 * each call arrives as a message, its answer goes back on `replies`, and the test thread, which
 * waits on `signal`, is woken. The HTTP server keeps serving between calls, on this thread's
 * own event loop.
 */
interface ThreadData {
  options: PemsSimulatorOptions;
  replies: MessagePort;
  signal: SharedArrayBuffer;
}

const { options, replies, signal } = workerData as ThreadData;
const flag = new Int32Array(signal);
const simulator = new PemsSimulator(options);

function answer(reply: { result?: unknown; error?: { name: string; message: string } }): void {
  replies.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

parentPort!.on('message', (call: { method: keyof PemsSimulator; args: unknown[] }) => {
  Promise.resolve()
    .then(() => (simulator[call.method] as (...args: unknown[]) => unknown).apply(simulator, call.args))
    .then(
      (result) => answer({ result }),
      (error: Error) => answer({ error: { name: error.name, message: error.message } }),
    );
});
