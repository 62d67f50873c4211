import { EventEmitter } from 'node:events';
import type { Request, Response } from 'express';
import { boundedConcurrency } from './request-concurrency';

function exchange(path = '/api/pfa') {
  const req = Object.assign(new EventEmitter(), { path, socket: { destroyed: false } });
  const res = new EventEmitter();
  return { req: req as unknown as Request & { socket: { destroyed: boolean } }, res: res as unknown as Response };
}

describe('boundedConcurrency', () => {
  it('works on at most `limit` requests at once; the next starts when one ends, first come first served', () => {
    const middleware = boundedConcurrency(2, () => false);
    const started: string[] = [];
    const calls = ['a', 'b', 'c', 'd'].map((name) => ({ name, ...exchange() }));
    for (const call of calls) middleware(call.req, call.res, () => started.push(call.name));
    expect(started).toEqual(['a', 'b']);
    calls[1].res.emit('finish');
    expect(started).toEqual(['a', 'b', 'c']);
    // 'close' after 'finish' frees nothing twice.
    calls[1].res.emit('close');
    expect(started).toEqual(['a', 'b', 'c']);
    calls[0].res.emit('close');
    expect(started).toEqual(['a', 'b', 'c', 'd']);
  });

  it('passes over a request whose client went away while it waited', () => {
    const middleware = boundedConcurrency(1, () => false);
    const started: string[] = [];
    const first = exchange();
    const gone = exchange();
    const last = exchange();
    middleware(first.req, first.res, () => started.push('first'));
    middleware(gone.req, gone.res, () => started.push('gone'));
    middleware(last.req, last.res, () => started.push('last'));
    gone.req.socket.destroyed = true;
    first.res.emit('finish');
    expect(started).toEqual(['first', 'last']);
  });

  it('passes over thousands of requests whose clients went away, without running out of stack', () => {
    const middleware = boundedConcurrency(1, () => false);
    const started: string[] = [];
    const first = exchange();
    middleware(first.req, first.res, () => started.push('first'));
    const gone = Array.from({ length: 20_000 }, () => exchange());
    for (const call of gone) middleware(call.req, call.res, () => started.push('gone'));
    const last = exchange();
    middleware(last.req, last.res, () => started.push('last'));
    for (const call of gone) call.req.socket.destroyed = true;
    first.res.emit('finish');
    expect(started).toEqual(['first', 'last']);
  });

  it('lets exempt requests (event streams, health) through at once, whatever is in progress', () => {
    const middleware = boundedConcurrency(1, (req) => req.path === '/health');
    const started: string[] = [];
    const busy = exchange();
    const health = exchange('/health');
    middleware(busy.req, busy.res, () => started.push('busy'));
    middleware(health.req, health.res, () => started.push('health'));
    expect(started).toEqual(['busy', 'health']);
  });
});
