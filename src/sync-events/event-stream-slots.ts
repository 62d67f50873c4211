import { HttpStatus, Injectable } from '@nestjs/common';
import { AppException } from '../common/errors/app.exception';
import { AppConfig } from '../config/app-config';

/**
 * The event streams this instance holds open, per user and in all, within
 * EVENT_STREAMS_PER_USER and EVENT_STREAMS_PER_INSTANCE. (Per instance: a user's streams on
 * several instances count on each.)
 */
@Injectable()
export class EventStreamSlots {
  private total = 0;
  private readonly perUser = new Map<string, number>();

  constructor(private readonly config: AppConfig) {}

  /** Takes a slot for `userId`, or throws 429; answers the function that gives it back (once). */
  take(userId: string): () => void {
    const held = this.perUser.get(userId) ?? 0;
    if (held >= this.config.EVENT_STREAMS_PER_USER) {
      throw tooMany(`You have ${held} event streams open, the most one user may; close one first`);
    }
    if (this.total >= this.config.EVENT_STREAMS_PER_INSTANCE) throw tooMany('This instance holds as many event streams as it may; try again later');
    this.perUser.set(userId, held + 1);
    this.total += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total -= 1;
      const left = (this.perUser.get(userId) ?? 1) - 1;
      if (left > 0) this.perUser.set(userId, left);
      else this.perUser.delete(userId);
    };
  }
}

function tooMany(message: string): AppException {
  return new AppException(HttpStatus.TOO_MANY_REQUESTS, 'TOO_MANY_EVENT_STREAMS', message, undefined, { 'Retry-After': '30' });
}
