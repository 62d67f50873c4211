import { IsUUID } from 'class-validator';

export class SyncEventsQueryDto {
  @IsUUID()
  organizationId: string;
}
