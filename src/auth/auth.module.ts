import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { AccessCheck } from './access-check.service';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { UserOrganization } from './entities/user-organization.entity';
import { User } from './entities/user.entity';
import { LoginThrottle } from './login-throttle.service';
import { PasswordHasher } from './password-hasher.service';

/** Who a caller is and what they may do: login, tokens, the identity tables (users, memberships); AuthGuard, registered in AppModule, checks every route. */
@Module({
  imports: [
    TypeOrmModule.forFeature([User, UserOrganization]),
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({ secret: config.JWT_SECRET, signOptions: { algorithm: 'HS256' }, verifyOptions: { algorithms: ['HS256'] } }),
    }),
  ],
  controllers: [AuthController],
  providers: [AccessCheck, AuthService, PasswordHasher, LoginThrottle],
  exports: [PasswordHasher, AccessCheck, JwtModule],
})
export class AuthModule {}
