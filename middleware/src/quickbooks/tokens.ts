import { AppError } from '../errors';
import type { Logger } from '../logger';

export interface QboTokens {
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresAt: Date;
  refreshTokenExpiresAt: Date;
}

export interface StoredConnection extends QboTokens {
  status: 'connected' | 'refresh_failed' | 'revoked';
  /** Optimistic-concurrency version: a refresh stores its tokens only if nobody else did first. */
  version: number;
}

/** What the token manager needs from the store (`store.connections` fits; tokens are encrypted there). */
export interface TokenRepository {
  get(realmId: string): Promise<StoredConnection | undefined>;
  /** Persists a rotated pair before the new access token is used; throws CONFLICT when the version moved on. */
  saveTokens(realmId: string, tokens: QboTokens, expectedVersion: number): Promise<unknown>;
  setStatus(realmId: string, status: 'refresh_failed' | 'revoked', lastError: string | null): Promise<unknown>;
  /**
   * Optional: runs `fn` while no other instance refreshes this company (PostgreSQL advisory lock).
   * Without it the single-flight is per process, with optimistic concurrency on save as the backstop.
   */
  withRefreshLock?<T>(realmId: string, fn: () => Promise<T>): Promise<T>;
}

/** Exchanges a refresh token at Intuit's token endpoint (intuit-oauth in production). */
export interface TokenRefresher {
  refresh(refreshToken: string): Promise<QboTokens>;
}

const EARLY_REFRESH_MS = 5 * 60 * 1000;

/**
 * Hands out valid access tokens per company. A refresh is single-flight per company: concurrent callers
 * wait for the same exchange, because Intuit rotates refresh tokens and two parallel exchanges would
 * race to store different ones. Across instances, the repository's `withRefreshLock` (a PostgreSQL
 * advisory lock) does the same.
 */
export class TokenManager {
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(
    private readonly repo: TokenRepository,
    private readonly refresher: TokenRefresher,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async accessToken(realmId: string): Promise<string> {
    const tokens = await this.load(realmId);
    if (tokens.accessTokenExpiresAt.getTime() - EARLY_REFRESH_MS > this.now()) return tokens.accessToken;
    return this.refreshOnce(realmId, tokens.accessToken);
  }

  /**
   * Called after a 401 with the token that was rejected. If another caller already replaced it, the
   * stored token is returned without a second exchange.
   */
  async afterRejected(realmId: string, rejectedAccessToken: string): Promise<string> {
    return this.refreshOnce(realmId, rejectedAccessToken);
  }

  private refreshOnce(realmId: string, staleAccessToken: string): Promise<string> {
    const running = this.inFlight.get(realmId);
    if (running) return running;
    // In-process first (one waiter per instance), then across instances: under the lock `refresh` re-reads
    // the row, so an instance that waited finds the pair the winner stored and makes no second exchange.
    const run = () => this.refresh(realmId, staleAccessToken);
    const locked = this.repo.withRefreshLock ? this.repo.withRefreshLock(realmId, run) : run();
    const promise = locked.finally(() => this.inFlight.delete(realmId));
    this.inFlight.set(realmId, promise);
    return promise;
  }

  private async refresh(realmId: string, staleAccessToken: string): Promise<string> {
    const current = await this.load(realmId);
    if (current.accessToken !== staleAccessToken && current.accessTokenExpiresAt.getTime() - EARLY_REFRESH_MS > this.now()) {
      return current.accessToken;
    }
    if (current.refreshTokenExpiresAt.getTime() <= this.now()) {
      await this.repo.setStatus(realmId, 'refresh_failed', 'The refresh token expired.');
      throw reconnectError(realmId, 'its refresh token expired');
    }
    let next: QboTokens;
    try {
      next = await this.refresher.refresh(current.refreshToken);
    } catch (error) {
      const code = (error as { error?: string }).error;
      if (code === 'invalid_grant' || code === 'invalid_client' || code === 'unauthorized_client') {
        await this.repo.setStatus(realmId, 'refresh_failed', `Intuit answered ${code} to the token refresh.`);
        throw reconnectError(realmId, `Intuit answered ${code} to the token refresh`);
      }
      throw new AppError('QBO_AUTH', `Could not refresh the QuickBooks token for company ${realmId}: ${(error as Error).message}.`, {
        retryable: true,
        cause: error,
      });
    }
    try {
      await this.repo.saveTokens(realmId, next, current.version);
    } catch (error) {
      // Another instance refreshed first and stored its pair; ours was issued later but theirs is the one
      // the store keeps, so use the stored token (Intuit keeps the older refresh token valid for a while).
      if ((error as AppError).code === 'CONFLICT') return (await this.load(realmId)).accessToken;
      throw error;
    }
    this.logger.info({ realmId }, 'quickbooks token refreshed');
    return next.accessToken;
  }

  private async load(realmId: string): Promise<StoredConnection> {
    const tokens = await this.repo.get(realmId);
    if (tokens && tokens.status !== 'connected') {
      throw reconnectError(realmId, tokens.status === 'revoked' ? 'access was revoked' : 'its last token refresh failed');
    }
    if (!tokens) {
      throw new AppError('QBO_AUTH', `QuickBooks company ${realmId} is not connected.`, {
        retryable: false,
        fix: 'An admin connects it at /oauth/quickbooks/connect.',
      });
    }
    return tokens;
  }
}

function reconnectError(realmId: string, why: string): AppError {
  return new AppError('QBO_AUTH', `The connection to QuickBooks company ${realmId} is no longer valid: ${why}.`, {
    retryable: false,
    fix: 'An admin reconnects the company at /oauth/quickbooks/connect; failed jobs can then be retried.',
  });
}

/** Converts Intuit's token response (seconds from now) to absolute expiry times. */
export function tokensFromIntuit(
  json: { access_token: string; refresh_token: string; expires_in?: number; x_refresh_token_expires_in?: number },
  now: number,
): QboTokens {
  return {
    accessToken: json.access_token,
    refreshToken: json.refresh_token,
    accessTokenExpiresAt: new Date(now + (json.expires_in ?? 3600) * 1000),
    refreshTokenExpiresAt: new Date(now + (json.x_refresh_token_expires_in ?? 100 * 24 * 3600) * 1000),
  };
}
