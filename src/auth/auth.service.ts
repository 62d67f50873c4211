import { HttpStatus, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { AppException } from '../common/errors/app.exception';
import { PERMISSIONS, UserOrganization } from '../users/entities/user-organization.entity';
import { User } from '../users/entities/user.entity';
import { AccessTokenPayload } from './auth.guard';
import { LoginResponseDto, MeResponseDto, UserSummaryDto } from './dto/auth-responses.dto';
import { durationToSeconds } from '../config/duration';
import { PasswordHasher } from './password-hasher.service';

@Injectable()
export class AuthService {
  private readonly expiresIn: number;

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(UserOrganization) private readonly memberships: Repository<UserOrganization>,
    private readonly hasher: PasswordHasher,
    private readonly jwt: JwtService,
    config: AppConfig,
  ) {
    this.expiresIn = durationToSeconds(config.JWT_EXPIRES_IN);
  }

  async login(username: string, password: string): Promise<LoginResponseDto> {
    const user = await this.users
      .createQueryBuilder('user')
      .addSelect('user.passwordHash')
      .where('user.username = :username', { username })
      .getOne();
    const valid = await this.hasher.verify(user?.passwordHash, password);
    if (!user || !valid || !user.isActive) {
      throw new AppException(HttpStatus.UNAUTHORIZED, 'INVALID_CREDENTIALS', 'Unknown username or wrong password');
    }
    return { accessToken: await this.issueToken(user), expiresIn: this.expiresIn, user: summarise(user) };
  }

  /** An access token for `user`, valid for JWT_EXPIRES_IN and for the user's current token version. */
  issueToken(user: User): Promise<string> {
    const payload: AccessTokenPayload = { sub: user.id, username: user.username, ver: user.tokenVersion };
    return this.jwt.signAsync(payload, { expiresIn: this.expiresIn });
  }

  async me(user: User): Promise<MeResponseDto> {
    const memberships = await this.memberships.find({ where: { userId: user.id }, relations: { organization: true } });
    return {
      ...summarise(user),
      organizations: memberships
        .map((membership) => ({
          organizationId: membership.organizationId,
          code: membership.organization!.code,
          name: membership.organization!.name,
          permissions: PERMISSIONS.filter((permission) => membership[permission]),
        }))
        .sort((a, b) => a.code.localeCompare(b.code)),
    };
  }
}

export function summarise(user: User): UserSummaryDto {
  return { id: user.id, username: user.username, email: user.email, isSuperadmin: user.isSuperadmin };
}
