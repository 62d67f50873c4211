import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { NotFoundAppException } from '../common/errors/app.exception';
import { User } from '../auth/entities/user.entity';
import { PFA_FIELDS, PFA_FIELD_NAMES, PfaData, pfaValuesEqual } from '../validation/pfa-fields';
import { ModificationDto } from './dto/pfa-record.dto';
import { RestorePreviewDto, RestoreVersionDto } from './dto/restore-version.dto';
import { effectiveData } from './effective-record';
import { PfaModification, UNSYNCED_MODIFICATION_STATUSES } from './entities/pfa-modification.entity';
import { PfaRecordHistory } from './entities/pfa-record-history.entity';
import { PfaRecord } from './entities/pfa-record.entity';
import { PfaModificationsService } from './pfa-modifications.service';

const EDITABLE_FIELDS = PFA_FIELD_NAMES.filter((field) => PFA_FIELDS[field].editable);

/**
 * Restoring a past version of a record: its editable fields set back to that version's values
 * (from the mirror's history), as an ordinary edit. Plan and actual fields are PEMS's and stay.
 */
@Injectable()
export class PfaRestoreService {
  constructor(
    @InjectRepository(PfaRecord) private readonly records: Repository<PfaRecord>,
    @InjectRepository(PfaModification) private readonly modifications: Repository<PfaModification>,
    @InjectRepository(PfaRecordHistory) private readonly history: Repository<PfaRecordHistory>,
    private readonly edits: PfaModificationsService,
  ) {}

  /** The editable fields whose effective value (the mirror with the unsynced edits) differs from `version`'s. */
  async preview(recordId: string, version: number): Promise<RestorePreviewDto> {
    const record = await this.records.findOneBy({ id: recordId });
    if (!record) throw new NotFoundAppException('PFA record');
    const [snapshot] = await this.history.find({ where: { recordId, version }, order: { createdAt: 'DESC' }, take: 1 });
    if (!snapshot) throw new NotFoundAppException(`Version ${version} of this record`);
    const unsynced = await this.modifications.find({ where: { recordId, status: In(UNSYNCED_MODIFICATION_STATUSES) } });
    const current = effectiveData(record.data, unsynced);
    return {
      recordId,
      pfaId: record.pfaId,
      version,
      seenAt: snapshot.createdAt,
      changes: EDITABLE_FIELDS.filter((field) => !pfaValuesEqual(current[field], snapshot.data[field])).map((field) => ({
        field,
        current: current[field] ?? null,
        restored: snapshot.data[field] ?? null,
      })),
    };
  }

  /**
   * A modification setting the preview's fields back, made by the edit itself
   * (PfaModificationsService.edit): the same record lock, validation on the effective record,
   * folding into the caller's pending edit, and 400 NO_CHANGE when nothing differs. The preview is
   * read just before; a field that changed meanwhile to the restored value drops out in the edit.
   */
  async restore(recordId: string, user: User, input: RestoreVersionDto): Promise<ModificationDto> {
    const { changes } = await this.preview(recordId, input.version);
    const restored: PfaData = Object.fromEntries(changes.map((change) => [change.field, change.restored]));
    return this.edits.edit(recordId, user, { changes: restored, changeReason: input.changeReason });
  }
}
