import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Repository } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { Organization } from '../organizations/entities/organization.entity';
import { OrganizationsService } from '../organizations/organizations.service';
import { PERMISSIONS } from '../auth/entities/user-organization.entity';
import { UsersService } from '../users/users.service';
import { DemoPemsService } from './demo-pems.service';

export interface DemoLogin {
  username: string;
  password: string;
}

const DEMO_ORGANIZATION = { code: 'DEMO', name: 'Demo Project' };

/**
 * Demo mode: on the embedded database, an empty service gets organization DEMO and an
 * admin holding every permission. The generated login is kept in DATA_DIR/demo-login.json
 * and shown at every start. DEMO then gets its PEMS: the in-process simulator (DemoPemsService).
 * With DATABASE_URL set, nothing here runs.
 */
@Injectable()
export class DemoSetupService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Demo');
  private login: DemoLogin | null = null;
  private simulatorUrl: string | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly organizations: OrganizationsService,
    private readonly users: UsersService,
    private readonly demoPems: DemoPemsService,
    @InjectRepository(Organization) private readonly organizationRepository: Repository<Organization>,
  ) {}

  get enabled(): boolean {
    return this.config.embeddedDatabase && this.config.NODE_ENV !== 'production';
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled) return;
    const loginFile = join(this.config.DATA_DIR, 'demo-login.json');
    if ((await this.organizationRepository.count()) === 0) {
      const login: DemoLogin = { username: 'admin', password: randomBytes(9).toString('base64url') };
      const { organization } = await this.organizations.upsertByCode(DEMO_ORGANIZATION);
      const { user } = await this.users.upsert({ username: login.username, email: 'admin@demo.local', password: login.password, isSuperadmin: true });
      await this.users.setMembership(user.id, organization.id, [...PERMISSIONS]);
      writeFileSync(loginFile, JSON.stringify(login, null, 2), { mode: 0o600 });
      this.logger.log(`Created organization ${DEMO_ORGANIZATION.code} and user ${login.username}`);
    }
    this.login = existsSync(loginFile) ? (JSON.parse(readFileSync(loginFile, 'utf8')) as DemoLogin) : null;
    const demo = await this.organizationRepository.findOneBy({ code: DEMO_ORGANIZATION.code });
    if (demo) this.simulatorUrl = await this.demoPems.start(demo);
  }

  /** The lines main.ts prints once the server listens. */
  banner(baseUrl: string): string[] {
    if (!this.enabled) return [];
    const lines = [`Demo mode: embedded PostgreSQL, data in ${join(this.config.DATA_DIR, 'postgres')}`, `Web console: ${baseUrl}/`, `Swagger UI: ${baseUrl}/api/docs`];
    // The password is shown to whoever started the process, and kept in DATA_DIR/demo-login.json (mode 600).
    if (this.simulatorUrl) lines.push(`PEMS simulator: ${this.simulatorUrl} (control API under /__sim)`);
    if (this.login) lines.push(`Demo login: username "${this.login.username}", password "${this.login.password}" (for the web console, or POST ${baseUrl}/api/auth/login)`);
    return lines;
  }
}
