import { ArrayUnique, IsArray, IsEmail, IsIn, IsString, IsUUID, Length, Matches, MaxLength } from 'class-validator';
import { PERMISSIONS, Permission } from '../../auth/entities/user-organization.entity';
import { IsUncommonPassword } from './is-uncommon-password.validator';

/** The shortest password accepted. */
const MIN_PASSWORD_LENGTH = 12;

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

  /** At least MIN_PASSWORD_LENGTH characters, and not one of the most common passwords. */
  @IsString()
  @Length(MIN_PASSWORD_LENGTH, 1024)
  @IsUncommonPassword(MIN_PASSWORD_LENGTH)
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
