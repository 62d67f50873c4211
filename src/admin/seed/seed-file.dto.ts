import { Type } from 'class-transformer';
import { ArrayUnique, IsArray, IsBoolean, IsEmail, IsIn, IsOptional, IsString, Length, MaxLength, ValidateNested } from 'class-validator';
import { UpsertApiServerDto } from '../../organizations/dto/api-server.dto';
import { CreateOrganizationDto } from '../../organizations/dto/organization.dto';
import { PERMISSIONS, Permission } from '../../users/entities/user-organization.entity';

export class SeedOrganizationDto extends CreateOrganizationDto {
  @IsOptional()
  @ValidateNested()
  @Type(() => UpsertApiServerDto)
  apiServer?: UpsertApiServerDto;
}

export class SeedMembershipDto {
  /** The organization's code, from this file or already in the database. */
  @IsString()
  @Length(1, 64)
  code: string;

  @IsArray()
  @ArrayUnique()
  @IsIn(PERMISSIONS, { each: true })
  permissions: Permission[];
}

export class SeedUserDto {
  @IsString()
  @Length(1, 100)
  username: string;

  @IsEmail()
  @MaxLength(320)
  email: string;

  @IsString()
  @Length(8, 1024)
  password: string;

  @IsOptional()
  @IsBoolean()
  isSuperadmin?: boolean;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => SeedMembershipDto)
  organizations?: SeedMembershipDto[];
}

/** The file `npm run cli -- seed <file.json>` reads (README: "Seeding"). */
export class SeedFileDto {
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => SeedOrganizationDto)
  organizations?: SeedOrganizationDto[];

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => SeedUserDto)
  users?: SeedUserDto[];
}
