import { Body, Controller, Get, Post, Put } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../auth/authenticated.decorator';
import { ApiServerDto, UpsertApiServerDto } from '../organizations/dto/api-server.dto';
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
  @ApiOperation({ summary: "Set the organization's PEMS API server; credentials are write-only and kept when left out" })
  @ApiOkResponse({ type: ApiServerDto })
  async putApiServer(@UuidParam('id') id: string, @Body() body: UpsertApiServerDto): Promise<ApiServerDto> {
    return (await this.organizations.upsertApiServer(id, body)).server;
  }

  @Post('users')
  @Authenticated({ permission: 'perm_Admin' })
  @ApiOperation({ summary: 'Create a user as a member of the organization named in the body' })
  @ApiCreatedResponse({ type: MemberDto })
  async createUser(@Body() body: CreateUserDto): Promise<MemberDto> {
    const user = await this.users.create(body);
    return (await this.users.setMembership(user.id, body.organizationId, body.permissions)).member;
  }

  @Put('organizations/:id/members/:userId')
  @Authenticated({ permission: 'perm_Admin', organization: { param: 'id' } })
  @ApiOperation({ summary: "Set a user's permissions in the organization (adds the membership if needed)" })
  @ApiOkResponse({ type: MemberDto })
  async putMember(@UuidParam('id') id: string, @UuidParam('userId') userId: string, @Body() body: PermissionsDto): Promise<MemberDto> {
    return (await this.users.setMembership(userId, id, body.permissions)).member;
  }
}
