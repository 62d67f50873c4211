// The worker thread of ThreadedPemsSimulator (threaded-simulator.ts): TypeScript is compiled on
// the fly, as the test process itself does through ts-jest.
require('ts-node').register({ transpileOnly: true, compilerOptions: { module: 'commonjs' } });
require('./simulator-thread-main.ts');
