import { HttpStatus } from '@nestjs/common';
import { AppException } from '../common/errors/app.exception';

export enum PfaErrorCode {
  RecordDeletedInPems = 'RECORD_DELETED_IN_PEMS',
  ModificationNotDiscardable = 'MODIFICATION_NOT_DISCARDABLE',
  ModificationMoved = 'MODIFICATION_MOVED',
}

export class PfaException extends AppException {
  static deletedInPems(pfaId: string): PfaException {
    return new PfaException(HttpStatus.CONFLICT, PfaErrorCode.RecordDeletedInPems, `PFA record ${pfaId} no longer exists in PEMS and cannot be edited`);
  }

  /** The modification an edit was to be folded into is no longer pending (queued or discarded meanwhile). */
  static modificationMoved(id: string): PfaException {
    return new PfaException(HttpStatus.CONFLICT, PfaErrorCode.ModificationMoved, `Modification ${id} changed while the edit was made; make the edit again`);
  }

  static notDiscardable(status: string, why: string): PfaException {
    return new PfaException(HttpStatus.CONFLICT, PfaErrorCode.ModificationNotDiscardable, `A ${status} modification cannot be discarded: ${why}`);
  }
}
