import { HttpStatus } from '@nestjs/common';
import { AppException } from '../common/errors/app.exception';

export enum WriteSyncErrorCode {
  UnknownModifications = 'UNKNOWN_MODIFICATIONS',
}

export class WriteSyncException extends AppException {
  static unknown(ids: string[]): WriteSyncException {
    return new WriteSyncException(
      HttpStatus.BAD_REQUEST,
      WriteSyncErrorCode.UnknownModifications,
      `${ids.length} listed modification(s) are not pending modifications of this organization; nothing was queued`,
      ids.map((id) => ({ field: `modificationIds`, code: 'UNKNOWN_MODIFICATION', message: `${id} is not a pending modification of this organization` })),
    );
  }
}
