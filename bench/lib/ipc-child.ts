import { ChildProcess, fork } from 'node:child_process';

/** A child's answer to one call, and the one message it sends when it is ready. */
export type IpcReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
export interface IpcReady {
  type: 'ready';
}

export interface IpcChild<Method extends string, Ready extends IpcReady> {
  child: ChildProcess;
  /** The child's ready message. */
  ready: Ready;
  /** Calls `method` in the child; rejects with the child's error, or when the child has gone. */
  call(method: Method, args?: unknown[]): Promise<unknown>;
  /** Disconnects (the child ends itself on that) and waits for it to exit, killing it after `stop.killAfterMs`. */
  stop(): Promise<void>;
}

/**
 * Forks a TypeScript file as a child process of the benchmark, spoken to over IPC: requests
 * `{id, method, args}`, replies IpcReply, and one IpcReady message when it is up. Used for the
 * PEMS simulator and for app instances in processes of their own.
 */
export async function forkIpcChild<Method extends string, Ready extends IpcReady>(options: {
  what: string;
  file: string;
  env: Record<string, string>;
  /** The child is killed and the start fails after this long without its ready message. */
  readyTimeoutMs: number;
  stop: { signal: NodeJS.Signals; killAfterMs: number };
}): Promise<IpcChild<Method, Ready>> {
  const child: ChildProcess = fork(options.file, [], {
    execArgv: ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'],
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${options.what} was not up within ${options.readyTimeoutMs} ms`));
    }, options.readyTimeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${options.what} exited with ${code} before it was up`)));
    child.on('message', (message: IpcReply | Ready) => {
      if ('type' in message) {
        clearTimeout(timer);
        resolve(message);
        return;
      }
      const waiting = pending.get(message.id);
      if (!waiting) return;
      pending.delete(message.id);
      if (message.ok) waiting.resolve(message.result);
      else waiting.reject(new Error(message.error));
    });
  });
  child.removeAllListeners('exit');
  child.once('exit', (code) => {
    for (const waiting of pending.values()) waiting.reject(new Error(`${options.what} exited with ${code}`));
    pending.clear();
  });
  return {
    child,
    ready,
    call: (method, args = []) =>
      new Promise<unknown>((resolve, reject) => {
        if (!child.connected) return reject(new Error(`${options.what} is not running`));
        const id = nextId++;
        pending.set(id, { resolve, reject });
        child.send({ id, method, args });
      }),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.disconnect();
      const timer = setTimeout(() => child.kill(options.stop.signal), options.stop.killAfterMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
