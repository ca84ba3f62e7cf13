/**
 * The install's secret behind consultations' record keys (../domain/disclosure.ts). It is made
 * by a migration from PostgreSQL's strong random source and lives in the store itself, so every
 * writer of one store (the sync on the store's thread, a parse worker given it, replicas sharing a
 * PostgreSQL) derives the same keys, and a record keeps its key across re-syncs.
 */
import type { Queryable } from './engine/store';

const secrets = new WeakMap<Queryable, Promise<string>>();

export function recordKeySecret(db: Queryable): Promise<string> {
  let secret = secrets.get(db);
  if (!secret) {
    secret = db.query<{ secret: string }>('select secret from disclosure_keys limit 1').then(([row]) => {
      if (!row) throw new Error('the store has no disclosure key: run its migrations');
      return row.secret;
    });
    secret.catch(() => secrets.delete(db));
    secrets.set(db, secret);
  }
  return secret;
}
