import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ValidationModule } from '../validation/validation.module';
import { PfaModification } from './entities/pfa-modification.entity';
import { PfaRecordHistory } from './entities/pfa-record-history.entity';
import { PfaRecord } from './entities/pfa-record.entity';
import { PfaChangeCheck } from './change-check';
import { ModificationStates } from './modification-states';
import { PfaModificationsController } from './pfa-modifications.controller';
import { PfaMirrorService } from './pfa-mirror.service';
import { PfaModificationsService } from './pfa-modifications.service';
import { PfaRecordsController } from './pfa-records.controller';
import { PfaRecordsService } from './pfa-records.service';
import { PfaRestoreService } from './pfa-restore.service';

@Module({
  imports: [TypeOrmModule.forFeature([PfaRecord, PfaRecordHistory, PfaModification]), ValidationModule],
  controllers: [PfaModificationsController, PfaRecordsController],
  providers: [PfaRecordsService, PfaModificationsService, PfaRestoreService, PfaMirrorService, ModificationStates, PfaChangeCheck],
  exports: [PfaRecordsService, PfaMirrorService, ModificationStates, PfaChangeCheck, TypeOrmModule],
})
export class PfaModule {}
