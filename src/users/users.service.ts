import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { PERMISSIONS, Permission, UserOrganization } from '../auth/entities/user-organization.entity';
import { User } from '../auth/entities/user.entity';
import { PasswordHasher } from '../auth/password-hasher.service';
import { NotFoundAppException } from '../common/errors/app.exception';
import { Organization } from '../organizations/entities/organization.entity';
import { UpsertOutcome } from '../organizations/organizations.service';
import { MemberDto } from './dto/user.dto';
import { UserException } from './user-errors';

export interface UserInput {
  username: string;
  email: string;
  password: string;
  isSuperadmin?: boolean;
}

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(UserOrganization) private readonly memberships: Repository<UserOrganization>,
    @InjectRepository(Organization) private readonly organizations: Repository<Organization>,
    private readonly hasher: PasswordHasher,
  ) {}

  async create(input: UserInput): Promise<User> {
    // Unique whatever the case (CaseInsensitiveUsers1764000000009); the indexes settle a race (409 too).
    const taken = await this.users
      .createQueryBuilder('user')
      .where('lower(user.username) = lower(:username)', { username: input.username })
      .orWhere('lower(user.email) = lower(:email)', { email: input.email })
      .getOne();
    // One answer for either, naming neither: an organization admin learns no more about other
    // organizations' users than that a name or address is not available.
    if (taken) throw UserException.exists();
    return this.users.save(
      this.users.create({
        username: input.username,
        email: input.email,
        passwordHash: await this.hasher.hash(input.password),
        isSuperadmin: input.isSuperadmin ?? false,
      }),
    );
  }

  /** By username; the password is re-hashed only when it no longer matches, so seeding twice changes nothing. */
  async upsert(input: UserInput): Promise<{ user: User; outcome: UpsertOutcome }> {
    const existing = await this.users
      .createQueryBuilder('user')
      .addSelect('user.passwordHash')
      .where('lower(user.username) = lower(:username)', { username: input.username })
      .getOne();
    if (!existing) return { user: await this.create(input), outcome: 'created' };
    let changed = false;
    if (existing.email !== input.email) [existing.email, changed] = [input.email, true];
    if (existing.isSuperadmin !== (input.isSuperadmin ?? false)) [existing.isSuperadmin, changed] = [input.isSuperadmin ?? false, true];
    if (!existing.isActive) [existing.isActive, changed] = [true, true];
    if (!(await this.hasher.verify(existing.passwordHash, input.password))) {
      existing.passwordHash = await this.hasher.hash(input.password);
      // Tokens issued under the old password stop working.
      existing.tokenVersion += 1;
      changed = true;
    }
    if (!changed) return { user: existing, outcome: 'unchanged' };
    return { user: await this.users.save(existing), outcome: 'updated' };
  }

  /**
   * Sets the user's permissions in the organization, adding the membership if needed. With
   * `by` (an organization admin, not a superadmin), only a user the admin already administers
   * can be reached: a member of this organization, or of another organization where `by` holds
   * perm_Admin, and never a superadmin. Anyone else is answered 404, as if they did not exist, so
   * that no admin learns about another organization's users (docs/security.md).
   */
  async setMembership(
    userId: string,
    organizationId: string,
    permissions: Permission[],
    by?: { id: string; isSuperadmin: boolean },
  ): Promise<{ member: MemberDto; outcome: UpsertOutcome }> {
    const user = await this.users.findOneBy({ id: userId });
    if (!user) throw new NotFoundAppException('User');
    if (by && !by.isSuperadmin && !(await this.administers(by.id, user, organizationId))) throw new NotFoundAppException('User');
    if (!(await this.organizations.existsBy({ id: organizationId }))) throw new NotFoundAppException('Organization');
    const wanted = Object.fromEntries(PERMISSIONS.map((permission) => [permission, permissions.includes(permission)])) as Record<Permission, boolean>;
    const existing = await this.memberships.findOneBy({ userId, organizationId });
    if (existing && PERMISSIONS.every((permission) => existing[permission] === wanted[permission])) {
      return { member: toMemberDto(user, existing), outcome: 'unchanged' };
    }
    // An upsert on the (user, organization) key, so that two admins granting at once cannot collide.
    await this.memberships.upsert({ userId, organizationId, ...wanted }, ['userId', 'organizationId']);
    const saved = await this.memberships.findOneByOrFail({ userId, organizationId });
    return { member: toMemberDto(user, saved), outcome: existing ? 'updated' : 'created' };
  }

  /** Whether `adminId` administers `user`: the user is not a superadmin and belongs to `organizationId` or to an organization where `adminId` holds perm_Admin. */
  private async administers(adminId: string, user: User, organizationId: string): Promise<boolean> {
    if (user.isSuperadmin) return false;
    const [{ reachable }]: Array<{ reachable: boolean }> = await this.memberships.query(
      `SELECT EXISTS (
         SELECT 1 FROM user_organizations target
         LEFT JOIN user_organizations admin ON admin.organization_id = target.organization_id AND admin.user_id = $2 AND admin.perm_admin
         WHERE target.user_id = $1 AND (target.organization_id = $3 OR admin.user_id IS NOT NULL)
       ) AS reachable`,
      [user.id, adminId, organizationId],
    );
    return reachable;
  }
}

function toMemberDto(user: User, membership: UserOrganization): MemberDto {
  return {
    userId: user.id,
    username: user.username,
    email: user.email,
    organizationId: membership.organizationId,
    permissions: PERMISSIONS.filter((permission) => membership[permission]),
  };
}
