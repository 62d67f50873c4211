import { HttpStatus } from '@nestjs/common';
import { AppException } from '../common/errors/app.exception';

export enum UserErrorCode {
  UserExists = 'USER_EXISTS',
}

export class UserException extends AppException {
  /** One answer for a taken username or e-mail address, naming neither (no account enumeration across organizations). */
  static exists(): UserException {
    return new UserException(HttpStatus.CONFLICT, UserErrorCode.UserExists, 'This username or e-mail address is in use; choose another');
  }
}
