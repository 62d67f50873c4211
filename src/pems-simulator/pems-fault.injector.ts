import { SeededRandom } from './seeded-random';

/** Statuses the simulator can answer instead of doing the work. */
const INJECTABLE_STATUSES = [403, 429, 500, 502, 503, 504] as const;
type InjectableStatus = (typeof INJECTABLE_STATUSES)[number];

export interface PemsFaultConfig {
  /** Share (0..1) of requests answered with each status, e.g. `{ 500: 0.1, 503: 0.05, 429: 0.05 }`. */
  statusShares?: Partial<Record<InjectableStatus, number>>;
  /** Delay before every answer of the contract endpoints. */
  latencyMs?: number;
  /** Share of requests never answered, so the client's timeout fires. */
  timeoutShare?: number;
  /** Share of requests whose socket is destroyed before any answer (ECONNRESET / socket hang up). */
  dropConnectionShare?: number;
  /** Share of requests that are applied and then lose their answer (the socket is destroyed): a retried write finds its change already in PEMS. */
  lostResponseShare?: number;
  /** Every request is answered 401 for this long, counted from when the faults are set. */
  unauthorizedForMs?: number;
  /** Retry-After of injected 429 answers (default 1). */
  retryAfterSeconds?: number;
  /** Write Retry-After (of injected and rate-limit 429s) as an HTTP date instead of seconds. */
  retryAfterAsHttpDate?: boolean;
  /** Seed of the draws deciding which request gets which fault (default 1). */
  seed?: number;
}

export type FaultDecision = { kind: 'none' } | { kind: 'drop' } | { kind: 'timeout' } | { kind: 'lost_response' } | { kind: 'status'; status: InjectableStatus };

function checkShare(name: string, share: number | undefined): number {
  const value = share ?? 0;
  if (!Number.isFinite(value) || value < 0 || value > 1) throw new Error(`${name} must be between 0 and 1`);
  return value;
}

/**
 * Decides, per request and from seeded draws, whether the simulator misbehaves. One draw
 * per request in arrival order, so a seed reproduces the same sequence of faults.
 */
export class PemsFaultInjector {
  private config: PemsFaultConfig = {};
  private random = new SeededRandom(1);
  private unauthorizedUntil = 0;
  private bands: { upTo: number; decision: FaultDecision }[] = [];

  /** Replaces the whole fault configuration; throws on shares outside 0..1 or summing above 1. */
  configure(config: PemsFaultConfig, now: number): void {
    const bands: { share: number; decision: FaultDecision }[] = [
      { share: checkShare('dropConnectionShare', config.dropConnectionShare), decision: { kind: 'drop' } },
      { share: checkShare('timeoutShare', config.timeoutShare), decision: { kind: 'timeout' } },
      { share: checkShare('lostResponseShare', config.lostResponseShare), decision: { kind: 'lost_response' } },
    ];
    for (const [key, share] of Object.entries(config.statusShares ?? {})) {
      const status = Number(key) as InjectableStatus;
      if (!INJECTABLE_STATUSES.includes(status)) throw new Error(`statusShares: ${key} is not one of ${INJECTABLE_STATUSES.join(', ')}`);
      bands.push({ share: checkShare(`statusShares.${key}`, share), decision: { kind: 'status', status } });
    }
    const total = bands.reduce((sum, band) => sum + band.share, 0);
    if (total > 1 + 1e-9) throw new Error('The fault shares add up to more than 1');
    for (const [name, value] of [
      ['latencyMs', config.latencyMs],
      ['unauthorizedForMs', config.unauthorizedForMs],
      ['retryAfterSeconds', config.retryAfterSeconds],
    ] as const) {
      if (value !== undefined && (!Number.isFinite(value) || value < 0)) throw new Error(`${name} must be a non-negative number`);
    }

    let upTo = 0;
    this.bands = bands
      .filter((band) => band.share > 0)
      .map((band) => {
        upTo += band.share;
        return { upTo, decision: band.decision };
      });
    this.config = { ...config, statusShares: { ...config.statusShares } };
    this.random = new SeededRandom(config.seed ?? 1);
    this.unauthorizedUntil = config.unauthorizedForMs ? now + config.unauthorizedForMs : 0;
  }

  current(): PemsFaultConfig {
    return { ...this.config, statusShares: { ...this.config.statusShares } };
  }

  decide(): FaultDecision {
    if (this.bands.length === 0) return { kind: 'none' };
    const draw = this.random.next();
    return this.bands.find((band) => draw < band.upTo)?.decision ?? { kind: 'none' };
  }

  isUnauthorized(now: number): boolean {
    return now < this.unauthorizedUntil;
  }

  get latencyMs(): number {
    return this.config.latencyMs ?? 0;
  }

  get retryAfterSeconds(): number {
    return this.config.retryAfterSeconds ?? 1;
  }

  get retryAfterAsHttpDate(): boolean {
    return this.config.retryAfterAsHttpDate ?? false;
  }
}
