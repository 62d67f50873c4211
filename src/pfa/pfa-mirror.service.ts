import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { PfaData } from '../validation/pfa-fields';
import { PfaHistorySource, PfaRecordHistory } from './entities/pfa-record-history.entity';
import { PfaRecord } from './entities/pfa-record.entity';

/** A record as PEMS gave it: its key, its version (`recordid`) and its fields. */
export interface PemsRecordSnapshot {
  pfaId: string;
  version: number;
  data: PfaData;
  lastModified?: string | null;
}

export type MirrorOutcome = 'created' | 'updated' | 'unchanged';

/** The typed columns people search and filter on, copied from `data`. */
export function typedColumnsOf(data: PfaData) {
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
  return {
    category: text(data.category),
    class: text(data.class),
    source: text(data.source),
    dor: text(data.dor),
    manufacturer: text(data.manufacturer),
    model: text(data.model),
    forecastStart: text(data.forecastStart),
    forecastEnd: text(data.forecastEnd),
  };
}

/**
 * The one writer of the mirror: read sync, the write-sync worker and the conflict check all
 * move a record on through here, so the typed columns and the history never drift from `data`.
 */
@Injectable()
export class PfaMirrorService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Stores PEMS's record when it is new or its version moved on, with a history snapshot.
   * An older or equal version never overwrites a newer one (a slow read must not undo a write).
   */
  async apply(organizationId: string, snapshot: PemsRecordSnapshot, source: PfaHistorySource, manager?: EntityManager): Promise<{ record: PfaRecord; outcome: MirrorOutcome }> {
    const run = (m: EntityManager) => this.applyWith(m, organizationId, snapshot, source);
    return manager ? run(manager) : this.dataSource.transaction(run);
  }

  private async applyWith(manager: EntityManager, organizationId: string, snapshot: PemsRecordSnapshot, source: PfaHistorySource) {
    const now = new Date();
    const columns = {
      organizationId,
      pfaId: snapshot.pfaId,
      version: snapshot.version,
      data: snapshot.data,
      ...typedColumnsOf(snapshot.data),
      pemsLastModified: snapshot.lastModified ?? null,
      lastSyncedAt: now,
      deletedInPemsAt: null,
    };
    // Insert, or update only when PEMS's version is newer; RETURNING tells which happened.
    const rows: Array<{ id: string; inserted: boolean }> = await manager.query(
      `INSERT INTO pfa_records (organization_id, pfa_id, version, data, category, class, source, dor, manufacturer, model,
                                forecast_start, forecast_end, pems_last_modified, last_synced_at, deleted_in_pems_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, NULL)
       ON CONFLICT (organization_id, pfa_id) DO UPDATE SET
         version = EXCLUDED.version, data = EXCLUDED.data, category = EXCLUDED.category, class = EXCLUDED.class,
         source = EXCLUDED.source, dor = EXCLUDED.dor, manufacturer = EXCLUDED.manufacturer, model = EXCLUDED.model,
         forecast_start = EXCLUDED.forecast_start, forecast_end = EXCLUDED.forecast_end,
         pems_last_modified = EXCLUDED.pems_last_modified, last_synced_at = EXCLUDED.last_synced_at,
         deleted_in_pems_at = NULL, updated_at = now()
       WHERE pfa_records.version < EXCLUDED.version
       RETURNING id, (xmax = 0) AS inserted`,
      [
        columns.organizationId, columns.pfaId, columns.version, JSON.stringify(columns.data), columns.category, columns.class,
        columns.source, columns.dor, columns.manufacturer, columns.model, columns.forecastStart, columns.forecastEnd,
        columns.pemsLastModified, now,
      ],
    );
    const repository = manager.getRepository(PfaRecord);
    if (rows.length === 0) {
      // Same or older version: the mirror already holds it. Note that PEMS still has the record.
      await repository.update({ organizationId, pfaId: snapshot.pfaId }, { lastSyncedAt: now, deletedInPemsAt: null });
      return { record: await repository.findOneByOrFail({ organizationId, pfaId: snapshot.pfaId }), outcome: 'unchanged' as const };
    }
    const [{ id, inserted }] = rows;
    await manager.getRepository(PfaRecordHistory).insert({ recordId: id, organizationId, pfaId: snapshot.pfaId, version: snapshot.version, data: snapshot.data, source });
    return { record: await repository.findOneByOrFail({ id }), outcome: inserted ? ('created' as const) : ('updated' as const) };
  }
}
