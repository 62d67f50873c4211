import { ArrayUnique, IsArray, IsEmail, IsIn, IsString, IsUUID, Length, Matches, MaxLength } from 'class-validator';
import { PERMISSIONS, Permission } from '../entities/user-organization.entity';

export class PermissionsDto {
  /** The permissions held in the organization; an empty list keeps the membership with no rights. */
  @IsArray()
  @ArrayUnique()
  @IsIn(PERMISSIONS, { each: true })
  permissions: Permission[];
}

/** What makes a user, whether created through the API or a seed file. */
export class NewUserDto {
  @IsString()
  @Length(1, 100)
  @Matches(/^[A-Za-z0-9_.@-]+$/, { message: 'username may hold letters, digits, "_", ".", "@" and "-" only' })
  username: string;

  @IsEmail()
  @MaxLength(320)
  email: string;

  @IsString()
  @Length(8, 1024)
  password: string;
}

export class CreateUserDto extends NewUserDto {
  /** The permissions held in the organization; an empty list keeps the membership with no rights. */
  @IsArray()
  @ArrayUnique()
  @IsIn(PERMISSIONS, { each: true })
  permissions: Permission[];

  /** The organization the user joins, with `permissions`; the caller needs perm_Admin there. */
  @IsUUID()
  organizationId: string;
}

export class MemberDto {
  userId: string;
  username: string;
  email: string;
  organizationId: string;
  permissions: Permission[];
}
