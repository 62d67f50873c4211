import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiServer } from '../organizations/entities/api-server.entity';
import { PemsModule } from '../pems/pems.module';
import { PfaModule } from '../pfa/pfa.module';
import { PemsReadSyncController } from './pems-read-sync.controller';
import { PemsReadSyncScheduler } from './pems-read-sync.scheduler';
import { PemsReadSyncService } from './pems-read-sync.service';

/** Read sync (SPEC §6): PEMS's records into the local mirror, on demand and on a schedule. */
@Module({
  imports: [TypeOrmModule.forFeature([ApiServer]), PemsModule, PfaModule],
  controllers: [PemsReadSyncController],
  providers: [PemsReadSyncService, PemsReadSyncScheduler],
  exports: [PemsReadSyncService],
})
export class ReadSyncModule {}
