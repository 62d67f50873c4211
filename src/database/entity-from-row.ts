import { ObjectLiteral, Repository } from 'typeorm';
import { ApplyValueTransformers } from 'typeorm/util/ApplyValueTransformers';

/**
 * An entity from a raw row (column names as in the database), e.g. the rows of an
 * `UPDATE … RETURNING *`, which TypeORM does not hydrate. Column transformers apply.
 */
export function entityFromRow<T extends ObjectLiteral>(repository: Repository<T>, row: Record<string, unknown>): T {
  const entity = repository.create();
  for (const column of repository.metadata.columns) {
    if (!(column.databaseName in row)) continue;
    const value = row[column.databaseName];
    column.setEntityValue(entity, column.transformer ? ApplyValueTransformers.transformFrom(column.transformer, value) : value);
  }
  return entity;
}
