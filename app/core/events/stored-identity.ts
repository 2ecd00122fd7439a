import type { StampedValue } from "../sessions/profile-merge";
import type { Identity } from "./pixel-payload.schema";

/**
 * What a stored pixel event keeps of its batch's identity (the JSON text in
 * PixelEvent.identity): click ids and platform cookies only when the shopper allowed
 * marketing, UTM parameters always. Written at ingest; read when events become sessions
 * (visits) and when an order is matched to them (orders). One shape for both.
 */
export interface StoredIdentity {
  clickIds?: Record<string, StampedValue>;
  cookies?: Record<string, string>;
  utm?: NonNullable<Identity["utm"]>;
}

export function storedIdentity(identity: Identity, marketing: boolean): StoredIdentity {
  return marketing
    ? { clickIds: identity.clickIds ?? {}, cookies: identity.cookies ?? {}, utm: identity.utm ?? {} }
    : { utm: identity.utm ?? {} };
}

/** Parse the stored JSON text (written by `storedIdentity`, so trusted in shape). */
export function readStoredIdentity(json: string): StoredIdentity {
  return JSON.parse(json) as StoredIdentity;
}
