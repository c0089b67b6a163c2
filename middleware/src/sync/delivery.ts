/**
 * What QuickBooks says about e-mailing an invoice, as the mirror row shows it. QBO sets `EmailStatus`
 * (NotSet, NeedToSend, EmailSent) and, once it has e-mailed the invoice, `DeliveryInfo.DeliveryTime` with the
 * company's offset; Salesforce stores an instant, so the time is normalised to UTC.
 */
export interface InvoiceDeliverySnapshot {
  EmailStatus?: string;
  BillEmail?: { Address?: string };
  DeliveryInfo?: { DeliveryType?: string; DeliveryTime?: string };
}

export interface DeliveryFields {
  emailStatus: string | null;
  sentAt: string | null;
}

export function deliveryOf(invoice: InvoiceDeliverySnapshot): DeliveryFields {
  const time = invoice.DeliveryInfo?.DeliveryTime;
  const parsed = time ? Date.parse(time) : Number.NaN;
  return { emailStatus: invoice.EmailStatus ?? null, sentAt: Number.isNaN(parsed) ? null : new Date(parsed).toISOString() };
}

/** One address, as QuickBooks' sendTo takes it (QBO sends to exactly one); no spaces, line breaks or control characters. */
export const EMAIL_PATTERN = /^[^\s\p{Cc}@,;<>()"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/u;
