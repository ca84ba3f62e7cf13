/**
 * WHERE clauses built with numbered parameters, shared by the record queries and the aggregates
 * so a filter means the same thing in both. The named conditions read `consultations c`.
 */
export class Conditions {
  readonly params: unknown[] = [];
  readonly where: string[] = [];

  add(sql: (p: string) => string, value: unknown): this {
    this.params.push(value);
    this.where.push(sql(`$${this.params.length}`));
    return this;
  }

  /** Received on or after `from` and on or before `to`, whole days in Japan time. */
  receivedWithin(from: string | null | undefined, to: string | null | undefined): this {
    if (from) this.add((p) => `c.received_at >= (${p}::date)::timestamp at time zone 'Asia/Tokyo'`, from);
    if (to) this.add((p) => `c.received_at < (${p}::date + 1)::timestamp at time zone 'Asia/Tokyo'`, to);
    return this;
  }

  /** About at least one of these topics. */
  aboutAny(topics: readonly string[] | null | undefined): this {
    if (topics?.length) this.add((p) => `c.topics && ${p}::text[]`, topics);
    return this;
  }

  get sql(): string {
    return this.where.length ? `where ${this.where.join(' and ')}` : '';
  }
}
