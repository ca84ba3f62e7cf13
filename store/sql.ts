/**
 * SQL with bound parameters, written as a tagged template: every `${value}` becomes a numbered
 * parameter ($1, $2 … in the order they appear), and a `${fragment}` made by `sql` itself is
 * spliced in with its own values renumbered, so conditions and common table expressions compose
 * without anyone counting parameters or rewriting SQL text. `raw` is for SQL the code itself
 * spells (a column name chosen from a fixed list), never for a value.
 *
 *   const mine = (column: Sql) => sql`${column} = any(${ids}::text[])`;
 *   const q = sql`select * from t where ${mine(raw('t.firm_id'))} limit ${n}`;
 *   await db.query(q.text, q.values);
 *
 * Chosen over Kysely after measuring both on firmsByStatus (growth.ts, the most composed query):
 * building it takes 2–5 µs here, 7–10 µs with Kysely's `sql` tag (which needs a Kysely instance
 * with a PostgreSQL compiler and a dummy driver to compile, and brings the whole package for one
 * tag) and 62 µs with Kysely's typed builder, which also could not say this store's SQL (DISTINCT
 * ON, window counts, unnest of parallel arrays, lateral joins) without `sql` escape hatches and
 * `never` casts, and would declare every table's row type a second time beside tables.ts. A query
 * itself takes milliseconds, so speed decided nothing; the builder's gain did not pay for a second
 * way of writing SQL. The maintained tag package (sql-template-tag) is an ES module only, which
 * this CommonJS project's jest cannot load untransformed.
 */

export class Sql {
  /** The text between values, always one more than the values. */
  private readonly strings: string[];
  readonly values: unknown[];

  constructor(strings: readonly string[], values: readonly unknown[]) {
    // Nested fragments are flattened once, here, so rendering is a single pass.
    this.strings = [strings[0]];
    this.values = [];
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (value instanceof Sql) {
        this.strings[this.strings.length - 1] += value.strings[0];
        for (let j = 0; j < value.values.length; j++) {
          this.values.push(value.values[j]);
          this.strings.push(value.strings[j + 1]);
        }
        this.strings[this.strings.length - 1] += strings[i + 1];
      } else {
        this.values.push(value);
        this.strings.push(strings[i + 1]);
      }
    }
  }

  /** The statement with $1…$n where the values go. */
  get text(): string {
    let text = this.strings[0];
    for (let i = 1; i < this.strings.length; i++) text += `$${i}${this.strings[i]}`;
    return text;
  }
}

export function sql(strings: TemplateStringsArray, ...values: unknown[]): Sql {
  return new Sql(strings, values);
}

/** SQL text the code spells itself, spliced as it is: never a value from outside. */
export function raw(text: string): Sql {
  return new Sql([text], []);
}

/** Fragments one after another with `separator` between them (`, ` unless given). */
export function join(parts: readonly Sql[], separator = ', '): Sql {
  if (parts.length === 0) return raw('');
  return new Sql(['', ...parts.slice(1).map(() => separator), ''], parts);
}
