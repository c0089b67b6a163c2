/** The companies the emulator knows, each with its own store. */
import type { EntityContext } from './entities/context';
import type { EmulatorOptions } from './options';
import { seedRealm } from './seed';
import { RealmStore, type ChangeListener } from './store';

export class Realms {
  private readonly realms = new Map<string, RealmStore>();

  constructor(
    private readonly options: EmulatorOptions,
    private readonly now: () => number,
    private readonly onChange: ChangeListener,
  ) {
    for (const id of options.realms) this.create(id);
  }

  create(realmId: string, seed = true): RealmStore {
    const store = new RealmStore(realmId, this.now, this.options.timeZone, this.options.firstDocNumber, this.onChange);
    if (seed) seedRealm(store, this.options);
    this.realms.set(realmId, store);
    return store;
  }

  get(realmId: string): RealmStore | undefined {
    return this.realms.get(realmId);
  }

  /** Returns the realm, creating it when autoCreateRealms is on. */
  ensure(realmId: string): RealmStore | undefined {
    return this.realms.get(realmId) ?? (this.options.autoCreateRealms ? this.create(realmId) : undefined);
  }

  ids(): string[] {
    return [...this.realms.keys()];
  }

  context(realmId: string): EntityContext | undefined {
    const store = this.realms.get(realmId);
    return store ? { store, options: this.options, now: this.now } : undefined;
  }

  reset(): void {
    this.realms.clear();
    for (const id of this.options.realms) this.create(id);
  }
}
