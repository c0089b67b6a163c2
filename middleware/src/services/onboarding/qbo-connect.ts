import { AppError } from '../../errors';
import type { Logger } from '../../logger';
import type { ConnectRequest, QboConnectFlow } from './ports';
import { IntuitOAuth } from '../../quickbooks/oauth';
import type { QboTokens } from '../../quickbooks/tokens';

export interface ConnectStore {
  settings: {
    get<T>(key: string): Promise<T | undefined>;
    set(key: string, value: unknown): Promise<void>;
    remove(key: string): Promise<boolean>;
    purgeOlder(prefix: string, before: Date): Promise<number>;
  };
  connections: {
    connect(input: QboTokens & { realmId: string; billingEntity: string; companyName?: string | null }): Promise<unknown>;
    list(): Promise<Array<{ realmId: string; billingEntity: string }>>;
  };
}

const STATE_TTL_MS = 10 * 60_000;
const STATE_PREFIX = 'oauth-state:';

interface SavedState {
  billingEntity: string;
  rename?: boolean;
  expiresAt: number;
}

/**
 * The OAuth connect flow: a single-use state (kept ten minutes) ties Intuit's redirect to the admin who
 * started it and to the billing entity being connected. Connecting a company never touches the others.
 */
export class QboConnectService implements QboConnectFlow {
  /** Called once a company is connected for the first time (queues its history import). */
  onFirstConnect?: (realmId: string) => Promise<unknown>;

  constructor(
    private readonly oauth: IntuitOAuth,
    private readonly store: ConnectStore,
    /** CompanyInfo's name of `realmId`, read with the given access token; throws when QBO refuses. */
    private readonly companyName: (realmId: string, accessToken: string) => Promise<string | null>,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async start(request: ConnectRequest): Promise<{ authorizeUrl: string; state: string }> {
    // Abandoned consents leave their state behind: each start clears the expired ones.
    await this.store.settings.purgeOlder(STATE_PREFIX, new Date(this.now() - STATE_TTL_MS));
    const state = IntuitOAuth.newState();
    const saved: SavedState = { billingEntity: request.billingEntity, rename: request.rename, expiresAt: this.now() + STATE_TTL_MS };
    await this.store.settings.set(`${STATE_PREFIX}${state}`, saved);
    return { authorizeUrl: this.oauth.authorizeUrl(state), state };
  }

  async finish(callbackUrl: string, state: string) {
    const key = `${STATE_PREFIX}${state}`;
    const saved = await this.store.settings.get<SavedState>(key);
    await this.store.settings.remove(key);
    if (!saved || saved.expiresAt < this.now()) {
      throw new AppError('BAD_REQUEST', 'This QuickBooks connection request is unknown or expired.', { fix: 'Start again from /oauth/quickbooks/connect within ten minutes.' });
    }
    const { realmId, tokens } = await this.oauth.exchange(callbackUrl);
    // The redirect's realmId is only a claim: the new tokens must open that company before anything is stored.
    let companyName: string | null;
    try {
      companyName = await this.companyName(realmId, tokens.accessToken);
    } catch (error) {
      this.logger.warn({ realmId, code: (error as AppError).code }, 'quickbooks connect refused: the tokens do not open the claimed company');
      throw new AppError('FORBIDDEN', `QuickBooks did not let the new connection read company ${realmId}; nothing was stored.`, {
        fix: 'Start again from /oauth/quickbooks/connect and choose the company in QuickBooks; do not edit the address QuickBooks sends back.',
      });
    }
    const connections = await this.store.connections.list();
    const clash = connections.find((c) => c.billingEntity === saved.billingEntity && c.realmId !== realmId);
    if (clash) {
      throw new AppError('CONFLICT', `Billing entity "${saved.billingEntity}" is already connected to another QuickBooks company (${clash.realmId}).`, {
        fix: 'Choose another billing entity name, or disconnect the other company first.',
      });
    }
    const existing = connections.find((c) => c.realmId === realmId);
    if (existing && existing.billingEntity !== saved.billingEntity && !saved.rename) {
      // Deals name the entity: a silent rename would make every deal naming the old one fail.
      throw new AppError('CONFLICT', `QuickBooks company ${realmId} is already connected as billing entity "${existing.billingEntity}"; nothing was changed.`, {
        fix: `To reconnect it, start again with the entity "${existing.billingEntity}"; to rename it to "${saved.billingEntity}", tick the rename box on /oauth/quickbooks/connect.`,
      });
    }
    await this.store.connections.connect({ realmId, billingEntity: saved.billingEntity, companyName, ...tokens });
    this.logger.info({ realmId, billingEntity: saved.billingEntity }, 'quickbooks company connected');
    // A company connected for the first time brings its history (a durable job; a reconnect does not re-import).
    if (!existing) {
      await this.onFirstConnect?.(realmId).catch((error: unknown) => {
        this.logger.error({ err: error, realmId }, 'could not queue the history import of the company just connected; run npm run cli -- import');
      });
    }
    return { realmId, billingEntity: saved.billingEntity, companyName };
  }
}
