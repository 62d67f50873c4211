import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { AUDIT_ACTIONS, AuditAction } from '../../common/audited.decorator';
import { PaginationQueryDto } from '../../common/dto/pagination.dto';

export class AuditQueryDto extends PaginationQueryDto {
  @IsUUID()
  organizationId: string;

  /** Only this action. */
  @IsOptional()
  @IsIn(AUDIT_ACTIONS)
  action?: AuditAction;
}

export class AuditUserDto {
  /** Null once the user no longer exists. */
  id: string | null;
  username: string;
}

export class AuditEntryDto {
  /** The entry's number (a bigint, as text), increasing: newer entries have larger numbers. */
  id: string;
  at: Date;
  user: AuditUserDto;
  organizationId: string | null;
  action: AuditAction;
  /** What the action was done to (an id, a pfaId, a username); null when the organization itself. */
  target: string | null;
  /** The request's meaningful fields and the answer's counts; never a password, secret or credential. */
  detail: Record<string, unknown>;
}

export class AuditPageDto {
  items: AuditEntryDto[];
  total: number;
  page: number;
  pageSize: number;
}
