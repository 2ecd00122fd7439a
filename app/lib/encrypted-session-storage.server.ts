import type { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import { decryptText, encryptText, isEncrypted } from "./crypto.server";

/**
 * Wraps Shopify's Prisma session storage so access and refresh tokens are
 * encrypted at rest (AES-256-GCM). Everything else is Shopify's own code.
 */
export class EncryptedSessionStorage implements SessionStorage {
  constructor(
    private readonly inner: SessionStorage,
    private readonly key: Buffer,
  ) {}

  private seal(session: Session): Session {
    const copy = Object.assign(Object.create(Object.getPrototypeOf(session)), session) as Session;
    if (copy.accessToken && !isEncrypted(copy.accessToken)) copy.accessToken = encryptText(this.key, copy.accessToken);
    if (copy.refreshToken && !isEncrypted(copy.refreshToken)) copy.refreshToken = encryptText(this.key, copy.refreshToken);
    return copy;
  }

  private open(session: Session | undefined): Session | undefined {
    if (!session) return session;
    if (session.accessToken && isEncrypted(session.accessToken)) session.accessToken = decryptText(this.key, session.accessToken);
    if (session.refreshToken && isEncrypted(session.refreshToken)) session.refreshToken = decryptText(this.key, session.refreshToken);
    return session;
  }

  storeSession(session: Session): Promise<boolean> {
    return this.inner.storeSession(this.seal(session));
  }
  async loadSession(id: string): Promise<Session | undefined> {
    return this.open(await this.inner.loadSession(id));
  }
  deleteSession(id: string): Promise<boolean> {
    return this.inner.deleteSession(id);
  }
  deleteSessions(ids: string[]): Promise<boolean> {
    return this.inner.deleteSessions(ids);
  }
  async findSessionsByShop(shop: string): Promise<Session[]> {
    return (await this.inner.findSessionsByShop(shop)).map((s) => this.open(s)!);
  }
}
