/**
 * The frozen migrations' files follow the rules the runner's header states, and the versions
 * installs have run keep their numbers and names. (../schema.test.ts builds a store from them and
 * compares it with what the read and write APIs use.)
 */
import { migrations, parseMigration } from './migrate';

describe('migration files', () => {
  it('are read as their header says: name from the first line, comments left out, one statement per ;-ended line', () => {
    const m = parseMigration(
      '061-a-thing.sql',
      [
        '-- a thing',
        '-- why: because; and more',
        '',
        'create table t (a text);',
        "create function f() returns trigger language plpgsql as $$ begin raise exception 'no'; end $$;",
        'insert into t (a)',
        "  select 'x';",
      ].join('\n'),
    );
    expect(m).toEqual({
      version: 61,
      name: 'a thing',
      statements: [
        'create table t (a text)',
        "create function f() returns trigger language plpgsql as $$ begin raise exception 'no'; end $$",
        "insert into t (a)\n  select 'x'",
      ],
    });
  });

  it('refuse a file without a version, a name or statements, naming the file', () => {
    expect(() => parseMigration('61-x.sql', '-- x\nselect 1;')).toThrow('61-x.sql: a migration file is named');
    expect(() => parseMigration('061-x.sql', 'select 1;')).toThrow('061-x.sql: the first line must be');
    expect(() => parseMigration('061-x.sql', '-- x\n-- only words\n')).toThrow('061-x.sql: no statements');
  });

  it('keep every version installs have run, under its recorded name', () => {
    const recorded: Array<[number, string]> = [
      [1, 'sources, directory, programmes and consultations'],
      [2, 'referrals between agencies'],
      [3, 'consultation rollups for aggregates'],
      [4, 'rollups without a source index'],
      [10, 'one referral per consultation and target agency'],
      [11, 'record keys for the cell-key method of consultation statistics'],
      [12, 'identity nonces shared by every process of a store'],
      [20, 'programme provider names from aggregators'],
      [40, 'leases: one process syncs a source at a time'],
      [50, 'firms contact details in consultations; committee minutes'],
      [51, 'firm identity and growth signals'],
      [52, 'growth committee: meetings, nominations, decisions, support plans'],
      [53, 'growth audit log, append-only'],
      [54, 'firm links remember the agency record id they replaced; minutes by firm'],
      [55, 'the distinct statistics tables each analyst asked, shared by replicas'],
    ];
    const byVersion = new Map(migrations().map((m) => [m.version, m.name]));
    for (const [version, name] of recorded) expect([version, byVersion.get(version)]).toEqual([version, name]);
    const versions = migrations().map((m) => m.version);
    expect(new Set(versions).size).toBe(versions.length);
  });
});
