import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsString, Length, Matches, Max, Min } from 'class-validator';
import { PFA_VALUE_SCHEMA } from '../../validation/pfa-value-schema';

const MAX_VERSION = 2_147_483_647;

export class RestorePreviewQueryDto {
  /** A version (PEMS recordid) in the record's history. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_VERSION)
  version: number;
}

export class RestoreVersionDto {
  /** A version (PEMS recordid) in the record's history. */
  @IsInt()
  @Min(1)
  @Max(MAX_VERSION)
  version: number;

  /** Why the record goes back: required, as for no other edit. */
  @IsString()
  @Length(1, 1000)
  @Matches(/\S/, { message: 'changeReason must not be blank' })
  changeReason: string;
}

export class RestoreChangeDto {
  field: string;
  /** The effective value now: PEMS's with the unsynced edits applied. */
  @ApiProperty(PFA_VALUE_SCHEMA)
  current: unknown;
  /** The value in that version. */
  @ApiProperty(PFA_VALUE_SCHEMA)
  restored: unknown;
}

export class RestorePreviewDto {
  recordId: string;
  pfaId: string;
  version: number;
  /** When the mirror took that version. */
  seenAt: Date;
  /** The editable fields whose effective value differs from that version's, in field order. */
  changes: RestoreChangeDto[];
}
