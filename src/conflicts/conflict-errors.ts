import { HttpStatus } from '@nestjs/common';
import { AppException } from '../common/errors/app.exception';

export enum ConflictErrorCode {
  AlreadyResolved = 'CONFLICT_ALREADY_RESOLVED',
}

export class ConflictException extends AppException {
  static alreadyResolved(): ConflictException {
    return new ConflictException(HttpStatus.CONFLICT, ConflictErrorCode.AlreadyResolved, 'This conflict has been resolved already');
  }
}
