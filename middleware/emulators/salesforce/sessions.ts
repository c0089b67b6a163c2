import { randomBytes } from 'node:crypto';

/** Access tokens the emulator has issued. */
export interface Session {
  token: string;
  userId: string;
  username: string;
  issuedAt: number;
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly orgId: string) {}

  issue(userId: string, username: string, now: number): Session {
    const token = `${this.orgId.slice(0, 15)}!AR${randomBytes(72).toString('base64url')}`;
    const session = { token, userId, username, issuedAt: now };
    this.sessions.set(token, session);
    return session;
  }

  get(token: string): Session | undefined {
    return this.sessions.get(token);
  }

  revoke(token: string): boolean {
    return this.sessions.delete(token);
  }

  /** Every token stops working: the client must log in again (or refresh). */
  expireAll(): number {
    const n = this.sessions.size;
    this.sessions.clear();
    return n;
  }
}
