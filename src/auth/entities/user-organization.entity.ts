import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { User } from './user.entity';

export const PERMISSIONS = ['perm_Read', 'perm_Edit', 'perm_Sync', 'perm_Admin'] as const;
export type Permission = (typeof PERMISSIONS)[number];

/**
 * What auth reads of the organization a membership belongs to. The relation names its entity
 * by name ('Organization'), not by class: auth is a core folder and imports no feature folder.
 */
export interface MembershipOrganization {
  id: string;
  code: string;
  name: string;
}

/** A user's membership of an organization, with the permissions it grants there. */
@Entity('user_organizations')
@Unique('uq_user_organizations_user_org', ['userId', 'organizationId'])
export class UserOrganization {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @ManyToOne('Organization', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: MembershipOrganization;

  @Column({ name: 'perm_read', type: 'boolean', default: false })
  perm_Read: boolean;

  @Column({ name: 'perm_edit', type: 'boolean', default: false })
  perm_Edit: boolean;

  @Column({ name: 'perm_sync', type: 'boolean', default: false })
  perm_Sync: boolean;

  @Column({ name: 'perm_admin', type: 'boolean', default: false })
  perm_Admin: boolean;
}
