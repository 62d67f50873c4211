import { PEMS_PFA_FIELDS, PfaFieldName } from './pems-pfa-fields';

/**
 * The default PFA -> PEMS field names of PEMS_CONTRACT.md. An API server's `field_map`
 * overrides any of them (a partial map from PFA field to PEMS field name).
 */
export const PEMS_KEY_FIELDS = { pfaId: 'PFS_ID', organization: 'PFS_A_ORG' } as const;
export const PEMS_VERSION_FIELD = 'recordid';
export const PEMS_LAST_MODIFIED_FIELD = 'PFS_LASTMODIFIED';

export const DEFAULT_PEMS_FIELD_MAP: Readonly<Record<PfaFieldName, string>> = {
  category: 'PFS_CATEGORY',
  class: 'PFS_CLASS',
  source: 'PFS_F_SOURCE',
  dor: 'PFS_DOR',
  areaSilo: 'PFS_AREASILO',
  manufacturer: 'PFS_MANUFACTURER',
  model: 'PFS_MODEL',
  monthlyRate: 'PFS_F_RATE',
  purchasePrice: 'PFS_F_PURCHASE',
  originalStart: 'PFS_P_STARTDATE',
  originalEnd: 'PFS_P_ENDDATE',
  forecastStart: 'PFS_F_STARTDATE',
  forecastEnd: 'PFS_F_ENDDATE',
  actualStart: 'PFS_AC_STARTDATE',
  actualEnd: 'PFS_AC_ENDDATE',
  isActualized: 'PFS_ACTUALIZED',
  isDiscontinued: 'PFS_DISCONTINUED',
  isFundsTransferable: 'PFS_FUNDSTRANSFERABLE',
  hasPlan: 'PFS_HASPLAN',
  hasActuals: 'PFS_HASACTUALS',
};

/** The effective map of one API server: the defaults with its override applied. */
export function resolvePemsFieldMap(override?: Partial<Record<string, string>> | null): Record<PfaFieldName, string> {
  const map: Record<PfaFieldName, string> = { ...DEFAULT_PEMS_FIELD_MAP };
  for (const [field, pemsName] of Object.entries(override ?? {})) {
    if (field in PEMS_PFA_FIELDS && typeof pemsName === 'string' && pemsName.length > 0) {
      map[field as PfaFieldName] = pemsName;
    }
  }
  return map;
}
