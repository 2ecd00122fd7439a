/** Injected time and randomness (pure code takes these as parameters; services get them here). */
export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };
export type Random = () => number;
