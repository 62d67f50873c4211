import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConflictCheckResult, ConflictDetectionService } from '../conflicts/conflict-detection.service';
import { PemsRecord } from '../pems/client/pems-client.types';
import { PfaModification } from '../pfa/entities/pfa-modification.entity';
import { PfaRecord } from '../pfa/entities/pfa-record.entity';
import { PfaMirrorService } from '../pfa/pfa-mirror.service';
import { PfaWriteQueueItem } from '../write-queue/entities/pfa-write-queue.entity';

/** The three-way check's answer for one attempt (SPEC §8). */
export type WriteVerdict =
  /** Send (again) on `version`. */
  | { verdict: 'send'; version: number }
  /** PEMS holds our values already: complete without a write (`stored`: the record to mirror, if it came from PEMS). */
  | { verdict: 'already_applied'; stored: PemsRecord | null }
  /** PEMS changed the same fields: a person decides. */
  | { verdict: 'conflict'; modification: PfaModification; theirs: PemsRecord; found: Extract<ConflictCheckResult, { outcome: 'conflict' }> }
  /** The modification is gone (its record was deleted, and the item with it): nothing to finish. */
  | { verdict: 'gone' };

/**
 * Whether an attempt may send, judged against the mirror (before the first send, when the
 * mirror is ahead of the modification's base) or against PEMS's record (read back after a
 * version conflict, which the mirror then takes). It records no outcome: the orchestrator acts
 * on the verdict.
 */
@Injectable()
export class WriteConflictCheck {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly detection: ConflictDetectionService,
    private readonly mirror: PfaMirrorService,
  ) {}

  /** Before the first send; null when the mirror is not ahead of the base (send on the base version). */
  async againstMirror(item: PfaWriteQueueItem, mirroredVersion: number | null): Promise<WriteVerdict | null> {
    if (mirroredVersion === null || !this.detection.needsCheck(item.payload.baseVersion, mirroredVersion)) return null;
    const mirrored = await this.dataSource.getRepository(PfaRecord).findOneByOrFail({ organizationId: item.organizationId, pfaId: item.pfaId });
    return this.judge(item, { pfaId: item.pfaId, version: mirrored.version, data: mirrored.data, lastModified: null }, false);
  }

  /** After a version conflict: PEMS's record, read back, decides (whatever happened before: a lost answer, a crash mid-send, resends). */
  async againstPems(item: PfaWriteQueueItem, theirs: PemsRecord): Promise<WriteVerdict> {
    await this.mirror.applyMany(item.organizationId, [theirs], 'conflict_check');
    return this.judge(item, theirs, true);
  }

  private async judge(item: PfaWriteQueueItem, theirs: PemsRecord, fromPems: boolean): Promise<WriteVerdict> {
    // Gone only if the item went with it (ON DELETE CASCADE).
    const modification = await this.dataSource.getRepository(PfaModification).findOneBy({ id: item.modificationId });
    if (!modification) return { verdict: 'gone' };
    const found = this.detection.detect({ changes: item.payload.changes, baseValues: modification.baseValues, theirs: theirs.data });
    if (found.outcome === 'no_conflict') return { verdict: 'send', version: theirs.version };
    if (found.outcome === 'already_applied') return { verdict: 'already_applied', stored: fromPems ? theirs : null };
    return { verdict: 'conflict', modification, theirs, found };
  }
}
