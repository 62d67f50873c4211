import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsArray, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';

export class WriteSyncRequestDto {
  @IsUUID()
  organizationId: string;

  /** Only these modifications (pending ones of the organization); all its pending ones when left out. */
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(100000)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  modificationIds?: string[];

  /** 0..10, higher first; 5 when left out. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10)
  priority?: number;
}

export class WriteSyncResponseDto {
  success: boolean;
  /** Identifies this request's queue items (null when nothing was queued). */
  jobId: string | null;
  queuedCount: number;
  /** When the backlog ahead of and including these items should be through, at the tenant's rate limit. */
  estimatedCompletionTime: string;
}
