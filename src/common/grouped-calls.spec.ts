import { GroupedCalls } from './grouped-calls';

/** A group runner whose round trips the test finishes by hand. */
function manualRunner() {
  const groups: Array<{ key: string; inputs: number[]; finish: (error?: Error) => void }> = [];
  const calls = new GroupedCalls<number, string>(
    (key, inputs) =>
      new Promise<string[]>((resolve, reject) => {
        groups.push({ key, inputs, finish: (error) => (error ? reject(error) : resolve(inputs.map((input) => `${key}:${input}`))) });
      }),
    3,
  );
  return { calls, groups };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupedCalls', () => {
  it('runs a lone call at once, and the calls that arrive meanwhile together in the next group', async () => {
    const { calls, groups } = manualRunner();
    const first = calls.call('a', 1);
    expect(groups.map((group) => group.inputs)).toEqual([[1]]);
    const later = [calls.call('a', 2), calls.call('a', 3)];
    groups[0].finish();
    await expect(first).resolves.toBe('a:1');
    await settle();
    expect(groups.map((group) => group.inputs)).toEqual([[1], [2, 3]]);
    groups[1].finish();
    await expect(Promise.all(later)).resolves.toEqual(['a:2', 'a:3']);
  });

  it('keeps keys apart and splits a group at its maximum size', async () => {
    const { calls, groups } = manualRunner();
    const a = [1, 2, 3, 4, 5].map((input) => calls.call('a', input));
    const b = calls.call('b', 9);
    expect(groups.map((group) => [group.key, group.inputs])).toEqual([
      ['a', [1]],
      ['b', [9]],
    ]);
    groups[0].finish();
    await settle();
    expect(groups[2].inputs).toEqual([2, 3, 4]);
    groups[2].finish();
    await settle();
    expect(groups[3].inputs).toEqual([5]);
    groups[3].finish();
    groups[1].finish();
    await expect(Promise.all(a)).resolves.toEqual(['a:1', 'a:2', 'a:3', 'a:4', 'a:5']);
    await expect(b).resolves.toBe('b:9');
  });

  it('gives a failed group its error, and the next group runs as usual', async () => {
    const { calls, groups } = manualRunner();
    const first = calls.call('a', 1);
    const second = calls.call('a', 2);
    groups[0].finish(new Error('connection lost'));
    await expect(first).rejects.toThrow('connection lost');
    await settle();
    groups[1].finish();
    await expect(second).resolves.toBe('a:2');
  });

  it('refuses an answer that does not have one output per input', async () => {
    const calls = new GroupedCalls<number, number>(async () => []);
    await expect(calls.call('a', 1)).rejects.toThrow('answered 0 outputs for 1 inputs');
  });
});
