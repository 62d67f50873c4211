import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsUUID, Max, Min } from 'class-validator';

export class SyncTimelineQueryDto {
  @IsUUID()
  organizationId: string;

  /** How many minutes, up to the current one (1..1440, default 60). */
  @ApiPropertyOptional({ default: 60 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1440)
  minutes: number = 60;
}

export class SyncTimelineMinuteDto {
  /** The start of the minute. */
  minute: string;
  /** Items that completed in that minute. */
  completed: number;
  /** Items that failed in that minute, leaving out those that ended in a version conflict (counted in `conflicts`). */
  failed: number;
  /** Conflicts found in that minute. */
  conflicts: number;
  /** Items waiting or being sent at the end of that minute (for the current minute: now). */
  queueDepth: number;
}

export class SyncTimelineDto {
  /** One entry per minute, oldest first, the current minute last; minutes with nothing are zeros. */
  minutes: SyncTimelineMinuteDto[];
}
