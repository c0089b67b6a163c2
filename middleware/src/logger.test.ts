import { Writable } from 'node:stream';
import { AppError } from './errors';
import { errorHandler } from './http/app';
import { createLogger } from './logger';

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, stream };
}

describe('logger redaction', () => {
  it('never writes tokens, keys or authorization headers', () => {
    const { lines, stream } = capture();
    const logger = createLogger({ level: 'info' }, stream);
    logger.info(
      {
        req: { headers: { authorization: 'Bearer sk-live-123' } },
        tokens: { access_token: 'at-secret', refresh_token: 'rt-secret' },
        connection: { accessToken: 'at2', refreshToken: 'rt2', clientSecret: 'cs' },
      },
      'hello',
    );
    const text = lines.join('');
    expect(text).toContain('hello');
    for (const secret of ['sk-live-123', 'at-secret', 'rt-secret', 'at2', 'rt2', '"cs"']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[redacted]');
  });
});

describe('log line keys', () => {
  const keysOf = (line: string): string[] => [...line.matchAll(/"([A-Za-z_]+)":/g)].map((m) => m[1]!);

  it('writes one msg key per line when the logged object carries its own msg', () => {
    const { lines, stream } = capture();
    createLogger({ level: 'info' }, stream).warn({ code: 'BAD_REQUEST', msg: 'Request body is not valid JSON.' }, 'request rejected');
    const keys = keysOf(lines[0]!);
    expect(keys.filter((k) => k === 'msg')).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'request rejected', detail: 'Request body is not valid JSON.', code: 'BAD_REQUEST' });
  });

  it('the HTTP error handler logs a rejected request with one msg key', () => {
    const { lines, stream } = capture();
    const handler = errorHandler(createLogger({ level: 'info' }, stream));
    const res = { headersSent: false, status: () => res, json: () => res } as never;
    handler(new AppError('BAD_REQUEST', 'Request body is not valid JSON.'), { path: '/api/v1/sync/opportunities' } as never, res, () => undefined);
    const line = lines.find((l) => l.includes('request rejected'))!;
    expect(keysOf(line).filter((k) => k === 'msg')).toHaveLength(1);
    expect(JSON.parse(line)).toMatchObject({ msg: 'request rejected', reason: 'Request body is not valid JSON.' });
  });
});
