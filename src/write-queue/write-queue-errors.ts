import { HttpStatus } from '@nestjs/common';
import { AppException } from '../common/errors/app.exception';

export enum WriteQueueErrorCode {
  ItemNotCancellable = 'ITEM_NOT_CANCELLABLE',
}

export class WriteQueueException extends AppException {
  static notCancellable(status: string): WriteQueueException {
    return new WriteQueueException(HttpStatus.CONFLICT, WriteQueueErrorCode.ItemNotCancellable, `Only a pending item can be cancelled; this one is ${status}`);
  }
}
