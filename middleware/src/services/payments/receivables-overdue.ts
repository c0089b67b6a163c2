/**
 * An invoice becomes overdue at midnight without any change in QBO, so no webhook or CDC entry tells us.
 * Once a day, the Accounts owning an unpaid invoice that fell due since the last run get their
 * receivables rolled up again (Overdue_Balance__c grows by that invoice's balance).
 */
import type { SyncCursorRepository } from '../../store/sync-cursors';
import { NO_REALM } from '../../store/sync-cursors';
import type { PaymentMirror } from './payment-mirror';
import type { PaymentRollups } from './payment-rollups';

export const OVERDUE_CURSOR = 'receivables.overdue-day';

export interface OverdueDeps {
  cursors: Pick<SyncCursorRepository, 'get' | 'compareAndSet'>;
  mirror: Pick<PaymentMirror, 'accountsFallingDue'>;
  rollups: Pick<PaymentRollups, 'request'>;
  /** Today as YYYY-MM-DD. */
  today: () => string;
}

export async function refreshNewlyOverdue(deps: OverdueDeps): Promise<number> {
  const today = deps.today();
  const cursor = await deps.cursors.get(NO_REALM, OVERDUE_CURSOR);
  const from = cursor?.value ?? previousDay(today);
  if (from >= today) return 0;
  const accounts = await deps.mirror.accountsFallingDue(from, today);
  await deps.rollups.request([], accounts);
  await deps.cursors.compareAndSet(NO_REALM, OVERDUE_CURSOR, cursor?.value, today);
  return accounts.length;
}

function previousDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - 24 * 3600 * 1000).toISOString().slice(0, 10);
}
