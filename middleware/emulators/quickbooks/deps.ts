/** The parts of a running emulator that the routers and the control API share. */
import type { Clock } from './clock';
import type { Counters } from './counters';
import type { FaultInjector } from './fault-injection';
import type { Limits, LoadMeter } from './limits';
import type { EmulatorOptions } from './options';
import type { Realms } from './realms';
import type { TokenAuthority } from './token-authority';
import type { WebhookNotifier } from './webhooks';

export interface EmulatorDeps {
  options: EmulatorOptions;
  clock: Clock;
  realms: Realms;
  authority: TokenAuthority;
  limits: Limits;
  /** Per-company load peaks (requests per minute, batches per minute, concurrency). */
  load: LoadMeter;
  injector: FaultInjector;
  counters: Counters;
  webhooks: WebhookNotifier;
  baseUrl(): string;
}
