import type { EmulatorState } from "@/emulator/state";

// Slack's per-minute rate-limit windows (reference §5): Web API limits apply per method, per
// workspace, per app; the Audit Logs API's Tier 3 is one budget for the whole organization (§1.7).

export const TIER_LIMITS = { tier2: 20, tier3: 50, special: 600 } as const;
export type Tier = keyof typeof TIER_LIMITS;

type Window = { startedAt: number; count: number };

export type RateLimiter = { take(key: string, tier: Tier): { ok: true } | { ok: false; retryAfterSeconds: number }; reset(): void };

// Expired windows are dropped now and then, so many distinct callers cannot grow the map forever.
const SWEEP_EVERY_CALLS = 1000;

/** Fixed windows of 60 s divided by the speed-up, so a test sees the same logic in seconds. */
export function createRateLimiter(state: Pick<EmulatorState, "speedUp">, clockMs: () => number = Date.now): RateLimiter {
  const windows = new Map<string, Window>();
  let calls = 0;
  return {
    take(key, tier) {
      const windowMs = 60_000 / state.speedUp;
      const now = clockMs();
      calls += 1;
      if (calls % SWEEP_EVERY_CALLS === 0) {
        for (const [candidate, window] of windows) if (now - window.startedAt >= windowMs) windows.delete(candidate);
      }
      let window = windows.get(key);
      if (!window || now - window.startedAt >= windowMs) {
        window = { startedAt: now, count: 0 };
        windows.set(key, window);
      }
      window.count += 1;
      if (window.count <= TIER_LIMITS[tier]) return { ok: true };
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((window.startedAt + windowMs - now) / 1000)) };
    },
    reset() {
      windows.clear();
    },
  };
}
