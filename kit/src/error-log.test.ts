import { Writable } from 'node:stream';
import { GraphQLError } from 'graphql';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { appError } from './errors.ts';
import { createErrorLog } from './error-log.ts';

/** A real pino logger writing JSON lines into memory. */
function capture() {
  const lines: Record<string, any>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n')) if (l.trim()) lines.push(JSON.parse(l));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

const flushed = () => new Promise((r) => setImmediate(r));

describe('createErrorLog', () => {
  it('logs the first of many identical errors with its stack, the rest as one summary line with a count', async () => {
    const { logger, lines } = capture();
    const log = createErrorLog(logger, { windowMs: 60_000 });
    for (let i = 0; i < 9_600; i++) log.log(appError('LINEAGE_STORE_UNAVAILABLE', 'The lineage graph database is unavailable'));
    await flushed();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, code: 'LINEAGE_STORE_UNAVAILABLE', msg: 'The lineage graph database is unavailable' });
    expect(lines[0]!.err.stack).toMatch(/error-log\.test\.ts/);

    log.flush();
    await flushed();
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ code: 'LINEAGE_STORE_UNAVAILABLE', repeats: 9_599, windowMs: 60_000 });
    expect(lines[1]!.msg).toContain('repeated 9599 more times');
    expect(lines[1]!.err).toBeUndefined();
    expect(JSON.stringify(lines[1])).not.toMatch(/\bat /);
  });

  it('keeps different errors apart by code and message, and unwraps a GraphQL error to its cause', async () => {
    const { logger, lines } = capture();
    const log = createErrorLog(logger);
    const cause = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ServiceUnavailable' });
    log.log(new GraphQLError('Unexpected error', { originalError: cause }));
    log.log(new GraphQLError('Unexpected error', { originalError: cause }));
    log.log(appError('NOT_FOUND', 'project "a" is missing'));
    log.log(appError('NOT_FOUND', 'project "b" is missing'));
    log.log(new TypeError('x is not a function'));
    log.flush();
    await flushed();
    expect(lines.map((l) => [l.code, l.msg, l.repeats ?? 0, !!l.err?.stack])).toEqual([
      ['ServiceUnavailable', 'connect ECONNREFUSED', 0, true],
      ['NOT_FOUND', 'project "a" is missing', 0, true],
      ['NOT_FOUND', 'project "b" is missing', 0, true],
      ['TypeError', 'x is not a function', 0, true],
      ['ServiceUnavailable', 'connect ECONNREFUSED (repeated 1 more times)', 1, false],
    ]);
  });

  it('starts a new window once the old one has passed: the stack is logged again, after the summary of the old one', async () => {
    const { logger, lines } = capture();
    let t = 0;
    const log = createErrorLog(logger, { windowMs: 1_000, now: () => t });
    const boom = () => log.log(appError('INTERNAL_SERVER_ERROR', 'boom'));
    boom();
    boom();
    boom();
    t = 1_000;
    boom();
    boom();
    log.flush();
    await flushed();
    expect(lines.map((l) => [l.msg, l.repeats ?? 0, !!l.err?.stack])).toEqual([
      ['boom', 0, true],
      ['boom (repeated 2 more times)', 2, false],
      ['boom', 0, true],
      ['boom (repeated 1 more times)', 1, false],
    ]);
  });

  it('tracks a bounded number of distinct errors and counts the rest together', async () => {
    const { logger, lines } = capture();
    const log = createErrorLog(logger, { maxKeys: 3 });
    for (let i = 0; i < 1_000; i++) log.log(appError('NOT_FOUND', `model version "m/${i}" not found`));
    log.flush();
    await flushed();
    expect(lines.filter((l) => l.err)).toHaveLength(3);
    const overflow = lines.filter((l) => !l.err);
    expect(overflow).toHaveLength(1);
    expect(overflow[0]).toMatchObject({ repeats: 997 });
    expect(lines).toHaveLength(4);
  });
});
