import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { PfaData } from '../validation/pfa-fields';
import { PfaHistorySource } from './entities/pfa-record-history.entity';

/** A record as PEMS gave it: its key, its version (`recordid`) and its fields. */
export interface PemsRecordSnapshot {
  pfaId: string;
  version: number;
  data: PfaData;
  lastModified?: string | null;
}

export interface MirrorCounts {
  created: number;
  updated: number;
  unchanged: number;
}

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
    forecast_start: text(data.forecastStart),
    forecast_end: text(data.forecastEnd),
  };
}

/**
 * The one writer of the mirror: read sync, the write-sync worker and the conflict check all
 * move records on through here, so the typed columns and the history never drift from `data`.
 * A record is written only when PEMS's version is newer than the mirror's (or new), so a slow
 * read can never undo a write; each such move leaves a history snapshot. The clock is the
 * database's.
 */
@Injectable()
export class PfaMirrorService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** A batch (a read-sync page) in three statements, whatever its size. */
  async applyMany(organizationId: string, snapshots: PemsRecordSnapshot[], source: PfaHistorySource, manager?: EntityManager): Promise<MirrorCounts> {
    if (snapshots.length === 0) return { created: 0, updated: 0, unchanged: 0 };
    const run = (m: EntityManager) => this.write(m, organizationId, newestPerRecord(snapshots), source);
    return manager ? run(manager) : this.dataSource.transaction(run);
  }

  private async write(manager: EntityManager, organizationId: string, snapshots: PemsRecordSnapshot[], source: PfaHistorySource): Promise<MirrorCounts> {
    const rows = snapshots.map((snapshot) => ({
      pfa_id: snapshot.pfaId,
      version: snapshot.version,
      data: snapshot.data,
      pems_last_modified: snapshot.lastModified ?? null,
      ...typedColumnsOf(snapshot.data),
    }));
    const moved: Array<{ pfa_id: string; inserted: boolean }> = await manager.query(
      `WITH incoming AS (
         SELECT * FROM jsonb_to_recordset($2::jsonb) AS r(
           pfa_id text, version int, data jsonb, pems_last_modified text, category text, class text, source text,
           dor text, manufacturer text, model text, forecast_start date, forecast_end date)
       ), upserted AS (
         INSERT INTO pfa_records AS current (organization_id, pfa_id, version, data, pems_last_modified, category, class, source,
                                             dor, manufacturer, model, forecast_start, forecast_end, last_synced_at)
         SELECT $1, pfa_id, version, data, pems_last_modified, category, class, source, dor, manufacturer, model,
                forecast_start, forecast_end, now()
         FROM incoming
         ON CONFLICT (organization_id, pfa_id) DO UPDATE SET
           version = EXCLUDED.version, data = EXCLUDED.data, pems_last_modified = EXCLUDED.pems_last_modified,
           category = EXCLUDED.category, class = EXCLUDED.class, source = EXCLUDED.source, dor = EXCLUDED.dor,
           manufacturer = EXCLUDED.manufacturer, model = EXCLUDED.model, forecast_start = EXCLUDED.forecast_start,
           forecast_end = EXCLUDED.forecast_end, last_synced_at = now(), deleted_in_pems_at = NULL, updated_at = now()
         WHERE current.version < EXCLUDED.version
         RETURNING id, pfa_id, version, data, (xmax = 0) AS inserted
       ), history AS (
         INSERT INTO pfa_record_history (record_id, organization_id, pfa_id, version, data, source)
         SELECT id, $1, pfa_id, version, data, $3 FROM upserted
       )
       SELECT pfa_id, inserted FROM upserted`,
      [organizationId, JSON.stringify(rows), source],
    );
    const movedIds = new Set(moved.map((row) => row.pfa_id));
    const unchanged = snapshots.map((snapshot) => snapshot.pfaId).filter((pfaId) => !movedIds.has(pfaId));
    if (unchanged.length > 0) {
      // PEMS still has these at the version we hold: note that we saw them (read sync's deletion check relies on it).
      await manager.query(`UPDATE pfa_records SET last_synced_at = now(), deleted_in_pems_at = NULL WHERE organization_id = $1 AND pfa_id = ANY($2::text[])`, [
        organizationId,
        unchanged,
      ]);
    }
    const created = moved.filter((row) => row.inserted).length;
    return { created, updated: moved.length - created, unchanged: unchanged.length };
  }

  /**
   * Read sync's end: the organization's records not synced since `startedAt` (the walk did not
   * see them), except `stillListed`, are marked deleted in PEMS, unless they are more than
   * `maxPercent` of its live records and the caller did not confirm. Counting and marking are one
   * statement, and a record synced meanwhile (a write's answer) is never marked: the unlisted
   * records are locked (in pfaId order) and checked again. Answers the counts (`marked` 0 when
   * withheld).
   */
  async markUnlistedDeleted(
    organizationId: string,
    startedAt: Date,
    limit: { confirmed: boolean; maxPercent: number; stillListed: string[] },
  ): Promise<{ unlisted: number; live: number; marked: number }> {
    const [counts]: Array<{ unlisted: number; live: number; marked: number }> = await this.dataSource.query(
      `WITH live AS (
         SELECT id FROM pfa_records WHERE organization_id = $1 AND deleted_in_pems_at IS NULL
       ), unlisted AS (
         -- Locked in the order every writer of records uses (record-locks.ts).
         SELECT id FROM pfa_records
         WHERE organization_id = $1 AND deleted_in_pems_at IS NULL AND (last_synced_at IS NULL OR last_synced_at < $2)
           AND pfa_id <> ALL($5::text[])
         ORDER BY pfa_id COLLATE "C" FOR UPDATE
       ), tally AS (
         SELECT (SELECT count(*) FROM unlisted)::int AS unlisted, (SELECT count(*) FROM live)::int AS live
       ), marked AS (
         UPDATE pfa_records AS record SET deleted_in_pems_at = now(), updated_at = now()
         FROM unlisted, tally
         WHERE record.id = unlisted.id
           AND record.deleted_in_pems_at IS NULL AND (record.last_synced_at IS NULL OR record.last_synced_at < $2)
           AND ($3::boolean OR tally.unlisted * 100 <= tally.live * $4::int)
         RETURNING record.id
       )
       SELECT tally.unlisted, tally.live, (SELECT count(*) FROM marked)::int AS marked FROM tally`,
      [organizationId, startedAt, limit.confirmed, limit.maxPercent, limit.stillListed],
    );
    return counts;
  }
}

/** One snapshot per record, the newest, in pfaId order by UTF-16 code units (COLLATE "C" for ASCII ids): the order in which every writer locks records (record-locks.ts). */
function newestPerRecord(snapshots: PemsRecordSnapshot[]): PemsRecordSnapshot[] {
  const newest = new Map<string, PemsRecordSnapshot>();
  for (const snapshot of snapshots) {
    const seen = newest.get(snapshot.pfaId);
    if (!seen || seen.version < snapshot.version) newest.set(snapshot.pfaId, snapshot);
  }
  return [...newest.values()].sort((a, b) => (a.pfaId < b.pfaId ? -1 : a.pfaId > b.pfaId ? 1 : 0));
}
