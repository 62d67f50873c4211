import { HttpStatus } from '@nestjs/common';
import { AppException } from '../common/errors/app.exception';

export enum PemsErrorCode {
  NoApiServer = 'NO_PEMS_API_SERVER',
  ReadSyncRunning = 'READ_SYNC_ALREADY_RUNNING',
  PemsUnavailable = 'PEMS_UNAVAILABLE',
}

export class PemsException extends AppException {
  static noApiServer(what: 'active' | 'write-enabled'): PemsException {
    return new PemsException(
      HttpStatus.CONFLICT,
      PemsErrorCode.NoApiServer,
      `The organization has no ${what} PEMS API server; an admin sets one with PUT /api/admin/organizations/{id}/api-server`,
    );
  }

  static readSyncRunning(): PemsException {
    return new PemsException(HttpStatus.CONFLICT, PemsErrorCode.ReadSyncRunning, 'A read sync of this organization is running already; try again when it has finished');
  }

  /**
   * PEMS could not be read. What happened on the way (refused, reset, a status, a body) stays in
   * the log: told to the client, it would make the read sync a probe of whatever the base URL
   * points at. Only a credentials rejection, which an admin must act on, is named.
   */
  static unavailable(credentialsRejected: boolean): PemsException {
    const reason = credentialsRejected
      ? "PEMS rejected the API server's credentials"
      : "PEMS did not answer as expected; the service's log has the reason (quote the correlation id)";
    return new PemsException(HttpStatus.BAD_GATEWAY, PemsErrorCode.PemsUnavailable, `PEMS could not be read: ${reason}`);
  }
}
