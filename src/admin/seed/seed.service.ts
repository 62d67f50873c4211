import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';
import { In, Repository } from 'typeorm';
import { Organization } from '../../organizations/entities/organization.entity';
import { OrganizationsService, UpsertOutcome } from '../../organizations/organizations.service';
import { UsersService } from '../../users/users.service';
import { SeedFileDto } from './seed-file.dto';

export interface SeedReportLine {
  kind: 'organization' | 'api server' | 'user' | 'membership';
  name: string;
  outcome: UpsertOutcome;
}

export class SeedFileError extends Error {
  constructor(readonly problems: string[]) {
    super(`The seed file is invalid:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

/**
 * Upserts organizations (with their PEMS API server), users and memberships from a seed
 * file. Everything is keyed by organization code and username, so running the same file
 * twice changes nothing the second time. The file is checked whole before anything is written.
 */
@Injectable()
export class SeedService {
  constructor(
    private readonly organizations: OrganizationsService,
    private readonly users: UsersService,
    @InjectRepository(Organization) private readonly organizationRepository: Repository<Organization>,
  ) {}

  async seed(content: unknown): Promise<SeedReportLine[]> {
    const file = await this.check(content);
    const report: SeedReportLine[] = [];
    const organizationIds = new Map<string, string>();

    for (const entry of file.organizations ?? []) {
      const { organization, outcome } = await this.organizations.upsertByCode({ code: entry.code, name: entry.name });
      organizationIds.set(entry.code, organization.id);
      report.push({ kind: 'organization', name: entry.code, outcome });
      if (entry.apiServer) {
        const { outcome: serverOutcome } = await this.organizations.upsertApiServer(organization.id, entry.apiServer);
        report.push({ kind: 'api server', name: `${entry.apiServer.name} (${entry.code})`, outcome: serverOutcome });
      }
    }
    for (const organization of await this.organizationRepository.findBy({ code: In(this.membershipCodes(file)) })) {
      organizationIds.set(organization.code, organization.id);
    }
    for (const entry of file.users ?? []) {
      const { user, outcome } = await this.users.upsert(entry);
      report.push({ kind: 'user', name: entry.username, outcome });
      for (const membership of entry.organizations ?? []) {
        const { outcome: membershipOutcome } = await this.users.setMembership(user.id, organizationIds.get(membership.code)!, membership.permissions);
        report.push({ kind: 'membership', name: `${entry.username} in ${membership.code}`, outcome: membershipOutcome });
      }
    }
    return report;
  }

  private async check(content: unknown): Promise<SeedFileDto> {
    if (typeof content !== 'object' || content === null || Array.isArray(content)) throw new SeedFileError(['the file must hold a JSON object with "organizations" and "users"']);
    const file = plainToInstance(SeedFileDto, content);
    const problems = validateSync(file, { whitelist: true, forbidNonWhitelisted: true }).flatMap((error) => describe(error));
    const duplicates = (names: string[]) => names.filter((name, index) => names.indexOf(name) !== index);
    for (const code of duplicates((file.organizations ?? []).map((organization) => organization.code))) problems.push(`organization ${code} appears twice`);
    for (const name of duplicates((file.users ?? []).map((user) => user.username))) problems.push(`user ${name} appears twice`);
    if (problems.length === 0) {
      const known = new Set((file.organizations ?? []).map((organization) => organization.code));
      const stored = await this.organizationRepository.findBy({ code: In(this.membershipCodes(file)) });
      stored.forEach((organization) => known.add(organization.code));
      for (const code of this.membershipCodes(file))
        if (!known.has(code)) problems.push(`organization ${code} is named by a user but exists neither in the file nor in the database`);
    }
    if (problems.length > 0) throw new SeedFileError(problems);
    return file;
  }

  private membershipCodes(file: SeedFileDto): string[] {
    return [...new Set((file.users ?? []).flatMap((user) => (user.organizations ?? []).map((membership) => membership.code)))];
  }
}

function describe(error: ValidationError, path = ''): string[] {
  const where = path ? `${path}.${error.property}` : error.property;
  const own = Object.values(error.constraints ?? {}).map((message) => `${where}: ${message.replace('property ', '')}`);
  return own.concat((error.children ?? []).flatMap((child) => describe(child, where)));
}
