import { Writable } from 'node:stream';
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
