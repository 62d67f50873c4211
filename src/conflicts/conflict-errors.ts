import { HttpStatus } from '@nestjs/common';
import { AppException, FieldError } from '../common/errors/app.exception';

export enum ConflictErrorCode {
  AlreadyResolved = 'CONFLICT_ALREADY_RESOLVED',
  MergeInvalid = 'MERGE_INVALID',
}

export class ConflictException extends AppException {
  static alreadyResolved(): ConflictException {
    return new ConflictException(HttpStatus.CONFLICT, ConflictErrorCode.AlreadyResolved, 'This conflict has been resolved already');
  }

  static mergeInvalid(errors: FieldError[]): ConflictException {
    return new ConflictException(HttpStatus.BAD_REQUEST, ConflictErrorCode.MergeInvalid, 'mergedData is invalid', errors);
  }
}
