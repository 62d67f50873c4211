import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { AuthException } from './auth-errors';
import { AccessTokenPayload } from './auth.guard';
import { LoginResponseDto, MeResponseDto, UserSummaryDto } from './dto/auth-responses.dto';
import { PERMISSIONS, UserOrganization } from './entities/user-organization.entity';
import { User } from './entities/user.entity';
import { durationToSeconds } from '../config/duration';
import { LoginThrottle } from './login-throttle.service';
import { PasswordHasher } from './password-hasher.service';

@Injectable()
export class AuthService {
  private readonly expiresIn: number;

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(UserOrganization) private readonly memberships: Repository<UserOrganization>,
    private readonly hasher: PasswordHasher,
    private readonly jwt: JwtService,
    private readonly throttle: LoginThrottle,
    config: AppConfig,
  ) {
    this.expiresIn = durationToSeconds(config.JWT_EXPIRES_IN);
  }

  /**
   * A token for the right username and password. Refused (429) before any hashing while the
   * username or the client's address has failed too often (LoginThrottle). The answer to a
   * failure is the same, in text and in time, whether the username exists or not.
   */
  async login(username: string, password: string, clientAddress: string): Promise<LoginResponseDto> {
    await this.throttle.assertAllowed(username, clientAddress);
    const user = await this.users
      .createQueryBuilder('user')
      .addSelect('user.passwordHash')
      // Usernames are unique whatever the case, and a login ignores it.
      .where('lower(user.username) = lower(:username)', { username })
      .getOne();
    const valid = await this.hasher.verify(user?.passwordHash, password);
    if (!user || !valid || !user.isActive) {
      await this.throttle.failed(username, clientAddress);
      throw AuthException.invalidCredentials();
    }
    await this.throttle.succeeded(username);
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

function summarise(user: User): UserSummaryDto {
  return { id: user.id, username: user.username, email: user.email, isSuperadmin: user.isSuperadmin };
}
