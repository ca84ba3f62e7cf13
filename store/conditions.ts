/**
 * WHERE clauses built from conditions with bound parameters (./sql.ts), shared by the record
 * queries and the aggregates so a filter means the same thing in both. The named conditions read
 * `consultations c`.
 */
import { join, raw, type Sql, sql } from './sql';

export class Conditions {
  readonly where: Sql[] = [];

  add(condition: Sql): this {
    this.where.push(condition);
    return this;
  }

  /** Received on or after `from` and on or before `to`, whole days in Japan time. */
  receivedWithin(from: string | null | undefined, to: string | null | undefined): this {
    if (from) this.add(sql`c.received_at >= (${from}::date)::timestamp at time zone 'Asia/Tokyo'`);
    if (to) this.add(sql`c.received_at < (${to}::date + 1)::timestamp at time zone 'Asia/Tokyo'`);
    return this;
  }

  /** About at least one of these topics. */
  aboutAny(topics: readonly string[] | null | undefined): this {
    if (topics?.length) this.add(sql`c.topics && ${topics}::text[]`);
    return this;
  }

  get sql(): Sql {
    return this.where.length ? sql`where ${join(this.where, ' and ')}` : raw('');
  }
}
