/**
 * Date and DateTime scalars shared by every subgraph: strict ISO formats in and out, so a bad
 * literal or variable is a BAD_USER_INPUT error rather than a silent wrong date.
 */
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function checkDate(value: unknown): string {
  if (typeof value !== 'string' || !DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new GraphQLError(`Date must be YYYY-MM-DD, got ${JSON.stringify(value)}`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  const [y, m, d] = value.split('-').map(Number);
  const back = new Date(Date.UTC(y, m - 1, d));
  if (back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) {
    throw new GraphQLError(`${value} is not a calendar date`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return value;
}

function checkDateTime(value: unknown): string {
  if (typeof value !== 'string' || !DATE_TIME.test(value) || Number.isNaN(Date.parse(value))) {
    throw new GraphQLError(`DateTime must be ISO 8601 with an offset, got ${JSON.stringify(value)}`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return value;
}

export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  serialize: (v) => checkDate(v),
  parseValue: (v) => checkDate(v),
  parseLiteral: (ast) => checkDate(ast.kind === Kind.STRING ? ast.value : null),
});

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  serialize: (v) => checkDateTime(v),
  parseValue: (v) => checkDateTime(v),
  parseLiteral: (ast) => checkDateTime(ast.kind === Kind.STRING ? ast.value : null),
});

/** Today's date in Japan, where application deadlines are set. */
export function japanDate(at: Date): string {
  // Japan keeps UTC+9 all year (no daylight saving): an offset, not a new Intl formatter per call,
  // which cost about 100 µs and was most of the time of a request listing many programmes.
  return new Date(at.getTime() + JST_OFFSET_MS).toISOString().slice(0, 10);
}

const JST_OFFSET_MS = 9 * 3600 * 1000;
