import { Client } from 'pg';

/**
 * Counts the statements this process sends to PostgreSQL (every pg Client: the app's TypeORM
 * pool, its LISTEN connection, pg-boss's pool), by kind (the statement's first words), except
 * those of the clients the harness excludes (its own connection). Counting only: the
 * statements are not changed.
 */
export class QueryCounter {
  private count = 0;
  private readonly byKind = new Map<string, number>();
  private readonly excluded = new WeakSet<object>();
  /** The latest text and parameters of the statements `remember` asked for, by kind. */
  private readonly remembered = new Map<string, { sql: string; params: unknown[] }>();
  private rememberIf: (text: string) => boolean = () => false;

  install(): void {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the patched query needs the pg Client (its own `this`) and the counter both
    const counter = this;
    const original = Client.prototype.query as (...args: unknown[]) => unknown;
    (Client.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function (this: object, ...args: unknown[]) {
      if (!counter.excluded.has(this)) {
        counter.count += 1;
        const first = args[0];
        const text = typeof first === 'string' ? first : typeof (first as { text?: unknown })?.text === 'string' ? (first as { text: string }).text : '?';
        const kind = text.replace(/\s+/g, ' ').trim().slice(0, 72);
        counter.byKind.set(kind, (counter.byKind.get(kind) ?? 0) + 1);
        if (counter.rememberIf(text)) {
          const params = Array.isArray(args[1]) ? (args[1] as unknown[]) : (((first as { values?: unknown[] })?.values ?? []) as unknown[]);
          counter.remembered.set(kind, { sql: text, params });
        }
      }
      return original.apply(this, args);
    };
  }

  /** Keeps the latest text and parameters of the statements matching `predicate`. */
  remember(predicate: (text: string) => boolean): void {
    this.rememberIf = predicate;
  }

  recalled(): Array<{ sql: string; params: unknown[] }> {
    return [...this.remembered.values()];
  }

  exclude(client: Client): void {
    this.excluded.add(client);
  }

  read(): number {
    return this.count;
  }

  snapshot(): Map<string, number> {
    return new Map(this.byKind);
  }

  /** Statements by kind since `before`, per `per` items, most frequent first. */
  since(before: Map<string, number>, per: number, top = 20): Array<{ statement: string; perItem: number }> {
    return [...this.byKind.entries()]
      .map(([statement, count]) => ({ statement, perItem: Math.round(((count - (before.get(statement) ?? 0)) / per) * 100) / 100 }))
      .filter((entry) => entry.perItem > 0)
      .sort((a, b) => b.perItem - a.perItem)
      .slice(0, top);
  }
}
