import { AuditLogEntry } from './audit/entities/audit-log-entry.entity';
import { LoginFailure } from './auth/entities/login-failure.entity';
import { UserOrganization } from './auth/entities/user-organization.entity';
import { User } from './auth/entities/user.entity';
import { PfaSyncConflict } from './conflicts/entities/pfa-sync-conflict.entity';
import { Notification } from './notifications/entities/notification.entity';
import { ApiServerChange } from './organizations/entities/api-server-change.entity';
import { ApiServer } from './organizations/entities/api-server.entity';
import { Organization } from './organizations/entities/organization.entity';
import { PemsTenant } from './organizations/entities/pems-tenant.entity';
import { PfaModification } from './pfa/entities/pfa-modification.entity';
import { PfaRecordHistory } from './pfa/entities/pfa-record-history.entity';
import { PfaRecord } from './pfa/entities/pfa-record.entity';
import { RequestThrottle } from './throttling/request-throttle.entity';
import { PfaWriteQueueItem } from './write-queue/entities/pfa-write-queue.entity';
import { OrganizationWebhook } from './webhooks/entities/organization-webhook.entity';
import { WebhookDelivery } from './webhooks/entities/webhook-delivery.entity';

/** Every entity of the data model; the one list the app, the CLI and the tests share. */
export const ENTITIES = [
  Organization,
  ApiServer,
  ApiServerChange,
  PemsTenant,
  User,
  UserOrganization,
  PfaRecord,
  PfaRecordHistory,
  PfaModification,
  PfaWriteQueueItem,
  PfaSyncConflict,
  LoginFailure,
  RequestThrottle,
  AuditLogEntry,
  Notification,
  OrganizationWebhook,
  WebhookDelivery,
];
