import { Permission } from '../entities/user-organization.entity';

export class UserSummaryDto {
  id: string;
  username: string;
  email: string;
  isSuperadmin: boolean;
}

export class LoginResponseDto {
  accessToken: string;
  /** Seconds until the token expires. */
  expiresIn: number;
  user: UserSummaryDto;
}

export class MembershipDto {
  organizationId: string;
  code: string;
  name: string;
  permissions: Permission[];
}

export class MeResponseDto extends UserSummaryDto {
  organizations: MembershipDto[];
}
