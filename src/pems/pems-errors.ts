import { HttpStatus } from '@nestjs/common';
import { AppException } from '../common/errors/app.exception';

export enum PemsErrorCode {
  NoApiServer = 'NO_PEMS_API_SERVER',
  ReadSyncRunning = 'READ_SYNC_ALREADY_RUNNING',
  PemsUnavailable = 'PEMS_UNAVAILABLE',
}

export class PemsException extends AppException {
  static noApiServer(what: 'active' | 'write-enabled'): PemsException {
    return new PemsException(HttpStatus.CONFLICT, PemsErrorCode.NoApiServer, `The organization has no ${what} PEMS API server; an admin sets one with PUT /api/admin/organizations/{id}/api-server`);
  }

  static readSyncRunning(): PemsException {
    return new PemsException(HttpStatus.CONFLICT, PemsErrorCode.ReadSyncRunning, 'A read sync of this organization is running already; try again when it has finished');
  }

  static unavailable(reason: string): PemsException {
    return new PemsException(HttpStatus.BAD_GATEWAY, PemsErrorCode.PemsUnavailable, `PEMS could not be read: ${reason}`);
  }
}
