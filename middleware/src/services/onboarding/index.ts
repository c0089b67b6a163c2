/**
 * Onboarding: bringing an existing business in. Connect a QuickBooks company through Intuit's consent flow
 * (qbo-connect.ts, the `QboConnectFlow` port in ports.ts); then read every Salesforce Account and Product2 and
 * every QBO customer and item (onboarding-read.ts), match them and report (onboarding.ts), and write only the
 * links a run or a person approved (onboarding-apply.ts). onboarding-service.ts is what the CLI and the admin
 * API call: one run per company at a time.
 *
 * Read first: wire.ts, then onboarding-service.ts, then onboarding.ts.
 */
export { applySummary, type ApplyFigures, type LinkSource, type SideFigures } from './onboarding-apply';
export { matchingReport, type MatchingPhase, type MatchingProgress, type MatchingRun } from './onboarding';
export { OnboardingService } from './onboarding-service';
export { QboConnectService } from './qbo-connect';
export type { ConnectRequest, QboConnectFlow } from './ports';
export { wireOnboarding, type Onboarding, type OnboardingDeps } from './wire';
