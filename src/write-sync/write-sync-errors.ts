import { HttpStatus } from '@nestjs/common';
import { AppException, FieldError } from '../common/errors/app.exception';

export enum WriteSyncErrorCode {
  InvalidModifications = 'INVALID_MODIFICATIONS',
  UnknownModifications = 'UNKNOWN_MODIFICATIONS',
  ItemNotCancellable = 'ITEM_NOT_CANCELLABLE',
}

export class WriteSyncException extends AppException {
  static invalid(errors: FieldError[], count: number): WriteSyncException {
    return new WriteSyncException(HttpStatus.BAD_REQUEST, WriteSyncErrorCode.InvalidModifications, `${count} modification(s) fail validation; nothing was queued`, errors);
  }

  static unknown(ids: string[]): WriteSyncException {
    return new WriteSyncException(
      HttpStatus.BAD_REQUEST,
      WriteSyncErrorCode.UnknownModifications,
      `${ids.length} listed modification(s) are not pending modifications of this organization; nothing was queued`,
      ids.map((id) => ({ field: `modificationIds`, code: 'UNKNOWN_MODIFICATION', message: `${id} is not a pending modification of this organization` })),
    );
  }

  static notCancellable(status: string): WriteSyncException {
    return new WriteSyncException(HttpStatus.CONFLICT, WriteSyncErrorCode.ItemNotCancellable, `Only a pending item can be cancelled; this one is ${status}`);
  }
}
