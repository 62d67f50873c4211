import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Organization } from '../organizations/entities/organization.entity';
import { OrganizationsService } from '../organizations/organizations.service';
import { PfaRecord } from '../pfa/entities/pfa-record.entity';
import { PemsReadSyncService } from '../read-sync/pems-read-sync.service';
import { PemsSimulator } from '../pems-simulator/pems-simulator';
import { PemsHostPolicy } from '../pems-hosts/pems-host-policy';

const DEMO_RECORD_COUNT = 500;
const DEMO_TENANT = 'DEMO_TENANT';
const DEMO_CREDENTIALS = { username: 'demo-pems', password: 'demo-pems-password' };

/**
 * Demo mode's PEMS: the simulator, in-process on a free loopback port, with the DEMO
 * organization's API server pointed at it and the mirror filled by a read sync. The
 * simulator keeps nothing on disk, so after a restart it is loaded back from the mirror
 * (records at the versions the mirror holds); only a first start seeds fresh records.
 */
@Injectable()
export class DemoPemsService implements OnApplicationShutdown {
  private readonly logger = new Logger('Demo');
  private simulator?: PemsSimulator;

  constructor(
    private readonly organizations: OrganizationsService,
    private readonly readSync: PemsReadSyncService,
    private readonly hostPolicy: PemsHostPolicy,
    @InjectRepository(PfaRecord) private readonly records: Repository<PfaRecord>,
  ) {}

  async start(organization: Organization): Promise<string> {
    const simulator = new PemsSimulator({ rateLimitPerSecond: 10, tenants: { [DEMO_TENANT]: DEMO_CREDENTIALS } });
    const mirrored = await this.records.find({ where: { organizationId: organization.id } });
    if (mirrored.length > 0) {
      for (const record of mirrored) {
        if (record.deletedInPemsAt) continue;
        simulator.putRecord({ organization: organization.code, pfaId: record.pfaId, recordid: record.version, data: record.data });
      }
    } else {
      simulator.seed(organization.code, DEMO_RECORD_COUNT, { seed: 2026 });
    }
    const { baseUrl } = await simulator.start(0, '127.0.0.1');
    this.simulator = simulator;
    // The demo's own simulator, on loopback, is the one host demo mode allows beyond PEMS_ALLOWED_HOSTS.
    this.hostPolicy.allowOrigin(baseUrl);

    await this.organizations.upsertApiServer(organization.id, {
      name: 'PEMS simulator (demo)',
      baseUrl,
      tenant: DEMO_TENANT,
      authType: 'basic',
      ...DEMO_CREDENTIALS,
      writeEnabled: true,
      isActive: true,
      rateLimitPerSecond: 10,
    });
    const report = await this.readSync.syncOrganization(organization.id);
    this.logger.log(
      `PEMS simulator at ${baseUrl} with ${mirrored.length || DEMO_RECORD_COUNT} records; mirror: ${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged`,
    );
    return baseUrl;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.simulator?.stop();
  }
}
