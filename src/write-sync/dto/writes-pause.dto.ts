import { IsString, Length, Matches } from 'class-validator';

export class PauseWritesDto {
  /** Why the writes pause, e.g. "PEMS maintenance until 14:00": shown in sync-status, the event and the audit. 1 to 500 characters. */
  @IsString()
  @Length(1, 500)
  @Matches(/\S/, { message: 'reason must not be blank' })
  reason: string;
}
