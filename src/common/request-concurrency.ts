import type { NextFunction, Request, Response } from 'express';

/**
 * Bounds how many API requests one instance works on at once; the rest wait their turn, first
 * come first served, and cost nothing while they wait.
 *
 * The API and the write-sync worker share one event loop. Node runs every callback that is
 * ready before it looks at its timers again, so with many requests in progress a send slot's
 * timer fires as late as all their callbacks take together (24 clients reading as fast as the
 * API answers made sends leave 130 ms late on average, and the drain fell to 88 % of the rate
 * limit). With at most `limit` requests in progress, a timer waits for at most their
 * callbacks. The API's throughput is what the CPU allows either way; what changes is where its
 * requests wait: in this line instead of in the event loop, ahead of the worker.
 *
 * `exempt` requests pass at once: streams that stay open (they would hold a place for hours) and
 * the health and metrics an operator needs most when the API is busy.
 */
export function boundedConcurrency(limit: number, exempt: (req: Request) => boolean) {
  let inProgress = 0;
  /** The requests waiting for a place; each starts, or answers false when its client went away meanwhile. */
  const waiting: Array<() => boolean> = [];
  // A loop, not a recursion: after an overload, thousands of waiting clients may have gone away.
  const release = () => {
    for (;;) {
      const next = waiting.shift();
      if (!next) {
        inProgress -= 1;
        return;
      }
      if (next()) return;
    }
  };
  return (req: Request, res: Response, next: NextFunction): void => {
    if (exempt(req)) return next();
    const start = (): boolean => {
      // A client that went away while it waited needs no answer: its place goes to the next.
      if (req.socket.destroyed) return false;
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        release();
      };
      res.once('finish', finish);
      res.once('close', finish);
      next();
      return true;
    };
    if (inProgress < limit) {
      inProgress += 1;
      if (!start()) release();
    } else {
      waiting.push(start);
    }
  };
}
