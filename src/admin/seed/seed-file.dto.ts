import { Type } from 'class-transformer';
import { ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsString, Length, ValidateNested } from 'class-validator';
import { UpsertApiServerDto } from '../../organizations/dto/api-server.dto';
import { CreateOrganizationDto } from '../../organizations/dto/organization.dto';
import { NewUserDto } from '../../users/dto/user.dto';
import { PERMISSIONS, Permission } from '../../auth/entities/user-organization.entity';

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

export class SeedUserDto extends NewUserDto {
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
