/**
 * Wiring of the onboarding capability: the QuickBooks connect flow (the `QboConnectFlow` port the OAuth routes
 * call) and the matching run and apply the CLI and the admin API use. A company connected for the first time,
 * and customers an apply links, bring their history (history capability).
 */
import type { Connection } from 'jsforce';
import type { Logger } from '../../logger';
import type { SyncPolicy } from '../../policy';
import type { QboApi } from '../../quickbooks/api';
import type { IntuitOAuth } from '../../quickbooks/oauth';
import type { Store } from '../../store';
import type { ItemMappings } from '../accounts';
import type { BillingEntities } from '../billing-entities';
import type { HistoryJobs } from '../history';
import { OnboardingService } from './onboarding-service';
import { QboConnectService } from './qbo-connect';

export interface OnboardingDeps {
  oauth: IntuitOAuth;
  store: Store;
  qbo: QboApi;
  salesforce: () => Promise<Connection>;
  policy: SyncPolicy;
  entities: BillingEntities;
  itemMappings: ItemMappings;
  history: Pick<HistoryJobs, 'requestImport' | 'customersLinked'>;
  logger: Logger;
  now: () => number;
}

export interface Onboarding {
  /** The connect flow behind /connect/quickbooks (http/oauth-routes.ts). */
  connect: QboConnectService;
  onboarding: OnboardingService;
}

export function wireOnboarding(deps: OnboardingDeps): Onboarding {
  const { store, qbo, history, logger, now } = deps;
  const connect = new QboConnectService(
    deps.oauth,
    store,
    async (realmId, accessToken) => {
      const info = await qbo.companyInfoWithToken<{ CompanyInfo?: { CompanyName?: string }; CompanyName?: string }>(realmId, accessToken);
      return info.CompanyName ?? info.CompanyInfo?.CompanyName ?? null;
    },
    logger,
    now,
  );
  connect.onFirstConnect = (realmId) => history.requestImport({ realmId, reason: 'connect' });
  const onboarding = new OnboardingService({ salesforce: deps.salesforce, company: (realmId) => qbo.company(realmId), entities: deps.entities, store, logger, policy: deps.policy, itemMappings: deps.itemMappings, customersLinked: (realmId, ids) => history.customersLinked(realmId, ids, 'onboarding') });
  return { connect, onboarding };
}
