import { IsString, Length, Matches } from 'class-validator';

export class CreateOrganizationDto {
  /** The PEMS organization code. */
  @IsString()
  @Length(1, 64)
  @Matches(/^[A-Za-z0-9_.-]+$/, { message: 'code may hold letters, digits, "_", "." and "-" only' })
  code: string;

  @IsString()
  @Length(1, 255)
  name: string;
}

export class OrganizationDto {
  id: string;
  code: string;
  name: string;
  createdAt: Date;
}
