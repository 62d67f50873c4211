/**
 * The PEMS simulator in a process of its own, driven by the benchmark over IPC, so that its
 * request handling and its request-log clock do not share the app's event loop.
 */
import { PemsSimulator } from '../src/pems-simulator/pems-simulator';
import { simulatorOps } from './lib/simulator-ops';
import { SimReply, SimRequest, SimulatorStartOptions } from './lib/simulator-protocol';

async function main(): Promise<void> {
  const options = JSON.parse(process.env.BENCH_SIMULATOR_OPTIONS ?? '{}') as SimulatorStartOptions;
  const simulator = new PemsSimulator(options);
  const ops = simulatorOps(simulator);
  const { baseUrl } = await simulator.start(0, '127.0.0.1');
  process.on('message', (message: SimRequest) => {
    let reply: SimReply;
    try {
      const method = ops[message.method] as (...args: unknown[]) => unknown;
      reply = { id: message.id, ok: true, result: method(...message.args) };
    } catch (error) {
      reply = { id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    process.send!(reply);
  });
  process.on('disconnect', () => {
    void simulator.stop().finally(() => process.exit(0));
  });
  process.send!({ type: 'ready', baseUrl });
}

main().catch((error: unknown) => {
  process.stderr.write(`PEMS simulator child failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
