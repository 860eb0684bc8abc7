import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { formatError, formatForSocket, refusal } from './errors.js';

/** An error as the pg driver throws it, wrapped as graphql-js wraps a resolver's error. */
const fromPostgres = () => {
  const original = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021', severity: 'ERROR' });
  return new GraphQLError(original.message, { originalError: original, path: ['stations'] });
};

describe('the error formatter', () => {
  for (const development of [false, true]) {
    it(`shows no PostgreSQL message or stack of an unexpected error${development ? ', in development too' : ''}`, () => {
      const logged: object[] = [];
      const error = fromPostgres();
      const formatted = formatError({ ...error.toJSON(), extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at pg'] } }, error, {
        development,
        log: { error: (details) => logged.push(details) },
      });
      expect(formatted).toEqual({ message: 'internal error', path: ['stations'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      expect(logged).toEqual([{ err: error.originalError, path: ['stations'] }]);
    });
  }

  it('keeps the HTTP status of a refusal out of the error the client reads', () => {
    const error = refusal('TOO_MANY_ALIASES', 'the query has more than 50 aliases');
    expect(formatError(error.toJSON(), error, { development: false })).toEqual({
      message: 'the query has more than 50 aliases',
      extensions: { code: 'TOO_MANY_ALIASES' },
    });
  });

  it('formats errors sent over graphql-ws the same way', () => {
    const [error] = formatForSocket([new RangeError('Maximum call stack size exceeded')], { development: true });
    expect(error?.toJSON()).toEqual({ message: 'internal error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });
});
