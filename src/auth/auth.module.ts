import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { AccessCheck } from './access-check.service';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { UserOrganization } from './entities/user-organization.entity';
import { User } from './entities/user.entity';
import { LoginThrottle } from './login-throttle.service';
import { PasswordHasher } from './password-hasher.service';

@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([User, UserOrganization]),
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({ secret: config.JWT_SECRET, signOptions: { algorithm: 'HS256' }, verifyOptions: { algorithms: ['HS256'] } }),
    }),
  ],
  controllers: [AuthController],
  providers: [AccessCheck, AuthService, PasswordHasher, LoginThrottle, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [PasswordHasher, AccessCheck],
})
export class AuthModule {}
