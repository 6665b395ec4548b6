/** The DateTime scalar every subgraph declares: ISO-8601 in, ISO-8601 UTC out. */
import { GraphQLScalarType, Kind } from 'graphql';
import { badInput } from './errors.ts';

const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/** Parses a client date-time; throws BAD_USER_INPUT naming the value otherwise. */
export function parseDateTime(value: unknown): string {
  if (typeof value !== 'string' || !ISO.test(value) || Number.isNaN(Date.parse(value))) {
    throw badInput('DateTime', `expected an ISO-8601 date-time such as 2026-03-02T08:00:00Z, got ${JSON.stringify(value)?.slice(0, 60)}`);
  }
  return new Date(value).toISOString();
}

export const DateTime = new GraphQLScalarType<string, string>({
  name: 'DateTime',
  serialize: (v) => (v instanceof Date ? v.toISOString() : String(v)),
  parseValue: parseDateTime,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw badInput('DateTime', 'expected a string literal');
    return parseDateTime(ast.value);
  },
});
