import { Body, Controller, Get, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext } from '../auth/auth-context';
import { Authenticated } from '../auth/authenticated.decorator';
import { AuditDetail, AuditNote, Audited } from '../common/audited.decorator';
import { PaginationQueryDto } from '../common/dto/pagination.dto';
import { ApiServerChangePageDto, ApiServerDto, UpsertApiServerDto } from '../organizations/dto/api-server.dto';
import { CreateOrganizationDto, OrganizationDto } from '../organizations/dto/organization.dto';
import { OrganizationsService } from '../organizations/organizations.service';
import { CreateUserDto, MemberDto, PermissionsDto } from '../users/dto/user.dto';
import { UsersService } from '../users/users.service';
import { UuidParam } from '../common/uuid-param.pipe';

@ApiTags('admin')
@Controller('admin')
export class AdminController {
  constructor(
    private readonly organizations: OrganizationsService,
    private readonly users: UsersService,
  ) {}

  @Post('organizations')
  @Authenticated({ superadmin: true })
  @Audited('admin.organization.create')
  @ApiOperation({ summary: 'Create an organization (superadmin)' })
  @ApiCreatedResponse({ type: OrganizationDto })
  createOrganization(@Body() body: CreateOrganizationDto): Promise<OrganizationDto> {
    return this.organizations.create(body);
  }

  @Get('organizations/:id/api-server')
  @Authenticated({ permission: 'perm_Admin', organization: { param: 'id' } })
  @ApiOperation({ summary: "The organization's PEMS API server (credentials are never returned)" })
  @ApiOkResponse({ type: ApiServerDto })
  getApiServer(@UuidParam('id') id: string): Promise<ApiServerDto> {
    return this.organizations.getApiServer(id);
  }

  @Put('organizations/:id/api-server')
  @Authenticated({ permission: 'perm_Admin', organization: { param: 'id' } })
  @Audited('admin.api-server.update')
  @ApiOperation({
    summary: "Set the organization's PEMS API server",
    description:
      'The host must be one the deployment allows (PEMS_ALLOWED_HOSTS), else 400 HOST_NOT_ALLOWED. Credentials are write-only: ' +
      "left out, the stored ones are kept, but only while the base URL's origin, the tenant and the auth type stay the same. " +
      'Every change is kept in the audit (GET …/api-server/changes).',
  })
  @ApiOkResponse({ type: ApiServerDto })
  async putApiServer(@UuidParam('id') id: string, @Body() body: UpsertApiServerDto, @Auth() auth: AuthContext, @AuditNote() audit: AuditDetail): Promise<ApiServerDto> {
    const { server, outcome, changedFields } = await this.organizations.upsertApiServer(id, body, auth.user);
    // The body carries credentials: the audit names the fields that changed, never their values.
    audit.add({ outcome, changedFields });
    return server;
  }

  @Get('organizations/:id/api-server/changes')
  @Authenticated({ permission: 'perm_Admin', organization: { param: 'id' } })
  @ApiOperation({ summary: "The audit of the organization's PEMS API server: every change, newest first (secrets are never shown)" })
  @ApiOkResponse({ type: ApiServerChangePageDto })
  getApiServerChanges(@UuidParam('id') id: string, @Query() page: PaginationQueryDto): Promise<ApiServerChangePageDto> {
    return this.organizations.apiServerChanges(id, page);
  }

  @Post('users')
  @Authenticated({ permission: 'perm_Admin' })
  @Audited('admin.user.create')
  @ApiOperation({ summary: 'Create a user as a member of the organization named in the body' })
  @ApiCreatedResponse({ type: MemberDto })
  async createUser(@Body() body: CreateUserDto): Promise<MemberDto> {
    const user = await this.users.create(body);
    return (await this.users.setMembership(user.id, body.organizationId, body.permissions)).member;
  }

  @Put('organizations/:id/members/:userId')
  @Authenticated({ permission: 'perm_Admin', organization: { param: 'id' } })
  @Audited('admin.member.update')
  @ApiOperation({
    summary: "Set a user's permissions in the organization (adds the membership if needed)",
    description:
      'An organization admin reaches only users they already administer: members of this organization, or of another one where ' +
      'they hold perm_Admin (never a superadmin). Anyone else is 404, as if they did not exist. New people are created with POST /api/admin/users.',
  })
  @ApiOkResponse({ type: MemberDto })
  async putMember(@UuidParam('id') id: string, @UuidParam('userId') userId: string, @Body() body: PermissionsDto, @Auth() auth: AuthContext): Promise<MemberDto> {
    return (await this.users.setMembership(userId, id, body.permissions, auth.user)).member;
  }
}
