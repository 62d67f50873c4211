import { Body, Controller, Get, HttpCode, HttpStatus, Ip, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AuditExempt } from '../common/audited.decorator';
import { Auth, AuthContext } from './auth-context';
import { AuthService } from './auth.service';
import { Authenticated, Public } from './authenticated.decorator';
import { LoginResponseDto, MeResponseDto } from './dto/auth-responses.dto';
import { LoginDto } from './dto/login.dto';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @Public()
  @AuditExempt('Signing in changes no data; failed logins are kept by the login throttle')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Exchange a username and password for an access token (JWT)',
    description:
      'The username is matched whatever its case. After LOGIN_MAX_FAILURES failed logins of one username, or from one client address, ' +
      "within LOGIN_FAILURE_WINDOW_MS, both answer 429 with Retry-After until the window ends; a success clears the username's count.",
  })
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiBadRequestResponse({ description: 'The body is not a username and a password' })
  @ApiUnauthorizedResponse({ description: 'Unknown username or wrong password (the same answer for both)' })
  @ApiTooManyRequestsResponse({ description: 'Too many failed logins of this username or from this address, or too many logins at once; see Retry-After' })
  login(@Body() body: LoginDto, @Ip() clientAddress: string): Promise<LoginResponseDto> {
    return this.auth.login(body.username, body.password, clientAddress ?? 'unknown');
  }

  @Get('me')
  @Authenticated()
  @ApiOperation({ summary: 'The caller and their organizations with permissions' })
  @ApiOkResponse({ type: MeResponseDto })
  me(@Auth() auth: AuthContext): Promise<MeResponseDto> {
    return this.auth.me(auth.user);
  }
}
