/**
 * Leases: which process may sync a source right now, when several share one database. A lease
 * is a row (migration 40) naming its holder until `expires_at`; the holder renews it while it
 * works, and a process that dies simply stops renewing, so another takes the lease once it has
 * expired. Time is the database's clock, never a process's. The write that ends a sync checks
 * the lease in its own transaction (`fence`): a holder that stalled past its lease (a long pause,
 * a network split) finds it gone and writes nothing, so two processes never both write a source.
 */
import type { Queryable } from './store';
import { LeaseLostError } from './errors';

/**
 * Takes the lease when it is free, expired or already ours (then it is extended); true when this
 * holder has it afterwards.
 */
export async function acquire(db: Queryable, name: string, holder: string, ttlMs: number): Promise<boolean> {
  const rows = await db.query<{ holder: string }>(
    `insert into leases (name, holder, acquired_at, expires_at) values ($1, $2, now(), now() + $3 * interval '1 millisecond')
     on conflict (name) do update set holder = excluded.holder, expires_at = excluded.expires_at,
       acquired_at = case when leases.holder = excluded.holder then leases.acquired_at else now() end
     where leases.holder = excluded.holder or leases.expires_at <= now()
     returning holder`,
    [name, holder, ttlMs],
  );
  return rows.length === 1;
}

/** Extends a lease this holder still has; false when it has expired and been taken, or let go. */
export async function renew(db: Queryable, name: string, holder: string, ttlMs: number): Promise<boolean> {
  const rows = await db.query(
    `update leases set expires_at = now() + $3 * interval '1 millisecond' where name = $1 and holder = $2 and expires_at > now() returning name`,
    [name, holder, ttlMs],
  );
  return rows.length === 1;
}

/** Lets the lease go at once (a finished sync), so the next process need not wait for it to expire. */
export async function release(db: Queryable, name: string, holder: string): Promise<void> {
  await db.query('delete from leases where name = $1 and holder = $2', [name, holder]);
}

/**
 * Inside a write transaction: locks the lease row and throws LeaseLostError unless this holder
 * still has it, unexpired. Another process cannot take it until the transaction ends.
 */
export async function fence(tx: Queryable, name: string, holder: string): Promise<void> {
  const rows = await tx.query(
    `select 1 from leases where name = $1 and holder = $2 and expires_at > now() for update`,
    [name, holder],
  );
  if (rows.length !== 1) throw new LeaseLostError(name);
}

/** Who holds each live lease (for operators and tests). */
export function holders(db: Queryable): Promise<Array<{ name: string; holder: string; expiresAt: Date }>> {
  return db.query(`select name, holder, expires_at as "expiresAt" from leases where expires_at > now() order by name`);
}
