import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsArray, IsBoolean, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';

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

  /**
   * true: only the caller's own modifications (all their pending ones without `modificationIds`;
   * listed ids of someone else's are refused like unknown ones). The console's "My edits" sends with it.
   */
  @IsOptional()
  @IsBoolean()
  mine?: boolean;

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
