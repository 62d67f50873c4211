import { InternalError } from './errors/internal.error';

interface Waiting<I, O> {
  input: I;
  resolve: (output: O) => void;
  reject: (error: unknown) => void;
}

interface KeyQueue<I, O> {
  running: boolean;
  waiting: Array<Waiting<I, O>>;
}

/**
 * "Group commit" for any round trip: the first call for a key runs at once; calls for the
 * same key that arrive while it is on its way wait, then go together as one group.
 * `runGroup` gets the group's inputs and answers one output per input, in order; if it
 * throws, every call of the group gets the error. Alone, a caller waits for nobody; under
 * load, N callers cost a few round trips instead of N, and each group starts after all of
 * its callers asked (so a check in a group is never older than the call that awaits it).
 */
export class GroupedCalls<I, O> {
  private readonly queues = new Map<string, KeyQueue<I, O>>();

  constructor(
    private readonly runGroup: (key: string, inputs: I[]) => Promise<O[]>,
    private readonly maxGroupSize = Number.POSITIVE_INFINITY,
  ) {}

  call(key: string, input: I): Promise<O> {
    const queue = this.queues.get(key) ?? { running: false, waiting: [] };
    this.queues.set(key, queue);
    const promise = new Promise<O>((resolve, reject) => queue.waiting.push({ input, resolve, reject }));
    if (!queue.running) void this.drain(key, queue);
    return promise;
  }

  private async drain(key: string, queue: KeyQueue<I, O>): Promise<void> {
    queue.running = true;
    while (queue.waiting.length > 0) {
      const group = queue.waiting.splice(0, this.maxGroupSize);
      try {
        const outputs = await this.runGroup(
          key,
          group.map((entry) => entry.input),
        );
        if (outputs.length !== group.length) throw new InternalError(`A grouped call answered ${outputs.length} outputs for ${group.length} inputs`);
        group.forEach((entry, index) => entry.resolve(outputs[index]));
      } catch (error) {
        for (const entry of group) entry.reject(error);
      }
    }
    queue.running = false;
    this.queues.delete(key);
  }
}
