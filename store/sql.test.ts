import { join, raw, sql } from './sql';

describe('sql', () => {
  it('numbers values in the order they appear and keeps them apart from the text', () => {
    const q = sql`select * from t where a = ${'x'} and b = any(${['1', '2']}::text[]) limit ${10}`;
    expect(q.text).toBe('select * from t where a = $1 and b = any($2::text[]) limit $3');
    expect(q.values).toEqual(['x', ['1', '2'], 10]);
  });

  it('splices fragments with their own values renumbered, however deep', () => {
    const mine = (column: string) => sql`${raw(column)} = ${'me'}`;
    const inner = sql`(${mine('a.owner')} or ${mine('b.owner')})`;
    const q = sql`select ${1} from a join b on ${inner} where c = ${'z'} and ${sql`d = ${sql`${4}`}`}`;
    expect(q.text).toBe('select $1 from a join b on (a.owner = $2 or b.owner = $3) where c = $4 and d = $5');
    expect(q.values).toEqual([1, 'me', 'me', 'z', 4]);
  });

  it('never puts a value into the text, whatever it holds', () => {
    const evil = "'; drop table t; --";
    const q = sql`select * from t where name = ${evil}`;
    expect(q.text).toBe('select * from t where name = $1');
    expect(q.values).toEqual([evil]);
  });

  it('joins fragments with a separator, and nothing to an empty fragment', () => {
    const q = join([sql`a = ${1}`, raw('b is null'), sql`c = ${3}`], ' and ');
    expect(q.text).toBe('a = $1 and b is null and c = $2');
    expect(q.values).toEqual([1, 3]);
    expect(sql`where ${join([], ' and ')}true`.text).toBe('where true');
  });
});
