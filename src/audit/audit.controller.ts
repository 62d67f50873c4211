import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../auth/authenticated.decorator';
import { AuditLogService } from './audit-log.service';
import { AuditPageDto, AuditQueryDto } from './dto/audit.dto';

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditLogService) {}

  @Get()
  @Authenticated({ permission: 'perm_Admin' })
  @ApiOperation({
    summary: "The organization's audit: every state-changing call that succeeded, newest first",
    description: 'Who, when, what (action), on what (target) and the meaningful fields of the request and counts of the answer (detail); never a password or credential.',
  })
  @ApiOkResponse({ type: AuditPageDto })
  list(@Query() query: AuditQueryDto): Promise<AuditPageDto> {
    return this.audit.list(query);
  }
}
