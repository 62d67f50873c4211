import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { PfaModification } from '../pfa/entities/pfa-modification.entity';
import { PfaChanges } from '../validation/pfa-fields';
import { PfaSyncConflict } from './entities/pfa-sync-conflict.entity';

export interface NewConflict {
  modification: PfaModification;
  pfaId: string;
  queueItemId: string;
  pemsVersion: number;
  conflictFields: string[];
  localData: PfaChanges;
  pemsData: PfaChanges;
  baseData: PfaChanges;
}

/** Writes the conflict record and puts its modification in `conflict`, inside the caller's transaction. */
@Injectable()
export class ConflictRecorder {
  async record(manager: EntityManager, conflict: NewConflict): Promise<PfaSyncConflict> {
    const saved = await manager.getRepository(PfaSyncConflict).save(
      manager.getRepository(PfaSyncConflict).create({
        organizationId: conflict.modification.organizationId,
        pfaId: conflict.pfaId,
        modificationId: conflict.modification.id,
        queueItemId: conflict.queueItemId,
        localVersion: conflict.modification.baseVersion,
        pemsVersion: conflict.pemsVersion,
        conflictFields: conflict.conflictFields,
        localData: conflict.localData,
        pemsData: conflict.pemsData,
        baseData: conflict.baseData,
        status: 'unresolved',
      }),
    );
    await manager.getRepository(PfaModification).update({ id: conflict.modification.id, status: 'syncing' }, {
      status: 'conflict',
      syncError: `VERSION_CONFLICT: PEMS changed ${conflict.conflictFields.join(', ')} meanwhile`,
    });
    return saved;
  }
}
