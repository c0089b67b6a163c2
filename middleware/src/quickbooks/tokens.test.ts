import { AppError } from '../errors';
import { createLogger } from '../logger';
import { TokenManager, type QboTokens, type StoredConnection, type TokenRepository } from './tokens';

const logger = createLogger({ level: 'silent' });
const NOW = Date.parse('2026-11-26T12:00:00Z');

class MemoryRepo implements TokenRepository {
  saves = 0;
  statuses: string[] = [];
  constructor(public row: StoredConnection | undefined) {}
  async get() {
    return this.row ? { ...this.row } : undefined;
  }
  async saveTokens(_realm: string, tokens: QboTokens, expectedVersion: number) {
    if (!this.row || this.row.version !== expectedVersion) throw new AppError('CONFLICT', 'version moved');
    this.saves += 1;
    this.row = { ...this.row, ...tokens, version: this.row.version + 1 };
  }
  async setStatus(_realm: string, status: 'refresh_failed' | 'revoked') {
    this.statuses.push(status);
    if (this.row) this.row = { ...this.row, status };
  }
}

function stored(overrides: Partial<StoredConnection> = {}): StoredConnection {
  return {
    accessToken: 'at-0',
    refreshToken: 'rt-0',
    accessTokenExpiresAt: new Date(NOW + 3600_000),
    refreshTokenExpiresAt: new Date(NOW + 100 * 86400_000),
    status: 'connected',
    version: 1,
    ...overrides,
  };
}

function refresher(calls: string[], fail?: Error) {
  let n = 0;
  return {
    async refresh(rt: string): Promise<QboTokens> {
      calls.push(rt);
      await new Promise((r) => setTimeout(r, 10));
      if (fail) throw fail;
      n += 1;
      return { accessToken: `at-${n}`, refreshToken: `rt-${n}`, accessTokenExpiresAt: new Date(NOW + 3600_000), refreshTokenExpiresAt: new Date(NOW + 100 * 86400_000) };
    },
  };
}

describe('TokenManager', () => {
  it('returns the stored token while it is valid, and refreshes once it is about to expire', async () => {
    const calls: string[] = [];
    const repo = new MemoryRepo(stored());
    const manager = new TokenManager(repo, refresher(calls), logger, () => NOW);
    expect(await manager.accessToken('r1')).toBe('at-0');
    repo.row = stored({ accessTokenExpiresAt: new Date(NOW + 60_000) });
    expect(await manager.accessToken('r1')).toBe('at-1');
    expect(calls).toEqual(['rt-0']);
    expect(repo.row!.refreshToken).toBe('rt-1');
  });

  it('makes exactly one refresh for ten concurrent callers whose token was rejected', async () => {
    const calls: string[] = [];
    const repo = new MemoryRepo(stored());
    const manager = new TokenManager(repo, refresher(calls), logger, () => NOW);
    const tokens = await Promise.all(Array.from({ length: 10 }, () => manager.afterRejected('r1', 'at-0')));
    expect(new Set(tokens)).toEqual(new Set(['at-1']));
    expect(calls).toHaveLength(1);
    expect(repo.saves).toBe(1);
    // A late caller holding the old token gets the new one without another exchange.
    expect(await manager.afterRejected('r1', 'at-0')).toBe('at-1');
    expect(calls).toHaveLength(1);
  });

  it('marks the connection failed and asks for a reconnect on invalid_grant', async () => {
    const repo = new MemoryRepo(stored({ accessTokenExpiresAt: new Date(NOW - 1) }));
    const failure = Object.assign(new Error('invalid_grant'), { error: 'invalid_grant' });
    const manager = new TokenManager(repo, refresher([], failure), logger, () => NOW);
    await expect(manager.accessToken('r1')).rejects.toMatchObject({ code: 'QBO_AUTH', retryable: false, fix: expect.stringContaining('/oauth/quickbooks/connect') });
    expect(repo.statuses).toEqual(['refresh_failed']);
    await expect(manager.accessToken('r1')).rejects.toThrow(/last token refresh failed/);
  });

  it('refuses an expired refresh token without calling Intuit', async () => {
    const calls: string[] = [];
    const repo = new MemoryRepo(stored({ accessTokenExpiresAt: new Date(NOW - 1), refreshTokenExpiresAt: new Date(NOW - 1) }));
    const manager = new TokenManager(repo, refresher(calls), logger, () => NOW);
    await expect(manager.accessToken('r1')).rejects.toThrow(/refresh token expired/);
    expect(calls).toEqual([]);
  });

  it('uses the tokens another instance stored when its save loses the race', async () => {
    const repo = new MemoryRepo(stored({ accessTokenExpiresAt: new Date(NOW - 1) }));
    const racing = {
      async refresh(): Promise<QboTokens> {
        repo.row = { ...repo.row!, accessToken: 'at-other', accessTokenExpiresAt: new Date(NOW + 3600_000), version: 2 };
        return { accessToken: 'at-mine', refreshToken: 'rt-mine', accessTokenExpiresAt: new Date(NOW + 3600_000), refreshTokenExpiresAt: new Date(NOW + 86400_000) };
      },
    };
    const manager = new TokenManager(repo, racing, logger, () => NOW);
    expect(await manager.accessToken('r1')).toBe('at-other');
  });

  it('says the company is not connected when there is no row', async () => {
    const manager = new TokenManager(new MemoryRepo(undefined), refresher([]), logger, () => NOW);
    await expect(manager.accessToken('r9')).rejects.toThrow('QuickBooks company r9 is not connected.');
  });
});
