import { Module } from '@nestjs/common';
import { ValidationModule } from '../validation/validation.module';
import { WriteQueueModule } from '../write-sync/write-queue.module';
import { ConflictDetectionService } from './conflict-detection.service';
import { ConflictRecorder } from './conflict-recorder.service';
import { ConflictsController } from './conflicts.controller';
import { ConflictsService } from './conflicts.service';

@Module({
  imports: [ValidationModule, WriteQueueModule],
  controllers: [ConflictsController],
  providers: [ConflictDetectionService, ConflictRecorder, ConflictsService],
  exports: [ConflictDetectionService, ConflictRecorder],
})
export class ConflictModule {}
