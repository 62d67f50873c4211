import { DataSource } from 'typeorm';
import { AuthService } from '../../src/auth/auth.service';
import { PasswordHasher } from '../../src/auth/password-hasher.service';
import { Organization } from '../../src/organizations/entities/organization.entity';
import { PfaMirrorService } from '../../src/pfa/pfa-mirror.service';
import { PfaRecord } from '../../src/pfa/entities/pfa-record.entity';
import { Permission, PERMISSIONS, UserOrganization } from '../../src/auth/entities/user-organization.entity';
import { User } from '../../src/auth/entities/user.entity';
import { PfaData } from '../../src/validation/pfa-fields';
import { TestApp } from './test-app';

export interface TestUser {
  user: User;
  password: string;
  token: string;
}

/** A plausible rental crane, valid under every rule; override what a test needs. */
export function craneData(overrides: PfaData = {}): PfaData {
  return {
    category: 'Cranes',
    class: 'Crawler Crane',
    source: 'Rental',
    dor: 'PROJECT',
    areaSilo: 'North',
    manufacturer: 'Liebherr',
    model: 'LR 1300',
    monthlyRate: 12000,
    purchasePrice: null,
    originalStart: '2026-01-01',
    originalEnd: '2026-12-31',
    forecastStart: '2026-02-01',
    forecastEnd: '2026-11-30',
    actualStart: null,
    actualEnd: null,
    isActualized: false,
    isDiscontinued: false,
    isFundsTransferable: true,
    hasPlan: true,
    hasActuals: false,
    ...overrides,
  };
}

/** Builds test data straight in the database, and tokens with the app's own JwtService. */
export class Fixtures {
  private readonly dataSource: DataSource;
  private passwordHash?: Promise<string>;
  static readonly PASSWORD = 'correct horse battery staple';

  constructor(private readonly testApp: TestApp) {
    this.dataSource = testApp.dataSource;
  }

  organization(code: string, name = `${code} project`): Promise<Organization> {
    return this.dataSource.getRepository(Organization).save({ code, name });
  }

  /** A user holding `permissions` in each organization given; the password is Fixtures.PASSWORD. */
  async user(username: string, grants: Array<[Organization, Permission[]]> = [], options: { superadmin?: boolean; active?: boolean } = {}): Promise<TestUser> {
    this.passwordHash ??= this.testApp.app.get(PasswordHasher).hash(Fixtures.PASSWORD);
    const user = await this.dataSource.getRepository(User).save({
      username,
      email: `${username}@example.com`,
      passwordHash: await this.passwordHash,
      isSuperadmin: options.superadmin ?? false,
      isActive: options.active ?? true,
    });
    for (const [organization, permissions] of grants) await this.grant(user, organization, permissions);
    return { user, password: Fixtures.PASSWORD, token: await this.tokenFor(user) };
  }

  /** Makes `user` a member of `organization` with exactly `permissions`. */
  async grant(user: User, organization: Organization, permissions: Permission[]): Promise<void> {
    await this.dataSource.getRepository(UserOrganization).save({
      userId: user.id,
      organizationId: organization.id,
      ...Object.fromEntries(PERMISSIONS.map((permission) => [permission, permissions.includes(permission)])),
    });
  }

  tokenFor(user: User): Promise<string> {
    return this.testApp.app.get(AuthService).issueToken(user);
  }

  async record(organization: Organization, pfaId: string, data: PfaData = craneData(), version = 1): Promise<PfaRecord> {
    await this.testApp.app.get(PfaMirrorService).applyMany(organization.id, [{ pfaId, version, data }], 'read_sync');
    return this.testApp.dataSource.getRepository(PfaRecord).findOneByOrFail({ organizationId: organization.id, pfaId });
  }
}
