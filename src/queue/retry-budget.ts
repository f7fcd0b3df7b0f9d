/**
 * How long and how often one job may keep failing before it goes to the dead-letter set
 * with the last answer: attempts and deferrals (a tracker's Retry-After) count alike, and
 * the clock starts at the first failure, so a job that merely waited its turn is not
 * charged.
 */
export interface RetryState {
  /** Epoch ms of the first failure. */
  since: number;
  /** Failures and deferrals so far. */
  tries: number;
  /** The last answer, for the dead-letter entry. */
  last: string;
  /** Every failure so far was the tracker not answering (its outage is logged once, not per job). */
  outage?: boolean;
}

export class RetryBudget {
  constructor(
    readonly attempts: number,
    readonly maxMs: number,
  ) {}

  next(state: RetryState | undefined, now: number, error: string): RetryState {
    return { since: state?.since ?? now, tries: (state?.tries ?? 0) + 1, last: error };
  }

  /** True when no further try fits: too many, or the next would start past the time budget. */
  spent(state: RetryState, now: number, nextDelayMs = 0): boolean {
    return state.tries >= this.attempts || now + nextDelayMs - state.since > this.maxMs;
  }

  describe(state: RetryState, now: number): string {
    return `gave up after ${state.tries} tries over ${Math.round((now - state.since) / 1000)} s; last answer: ${state.last}`;
  }
}
