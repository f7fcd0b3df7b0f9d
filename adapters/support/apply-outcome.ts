import type { Action } from "../../src/domain/action.js";
import type { ApplyResult } from "../../src/domain/adapter.js";

/**
 * What a write-back did with each action: applied, or skipped because the tracker
 * already shows it (a replayed job). Writers read the ticket first and say, per action,
 * whether it is done and how to write it.
 */
export class ApplyOutcome implements ApplyResult {
  readonly applied: Action[] = [];
  readonly skipped: Action[] = [];

  /** Skips the action when `done`, else runs `write` (which queues the change) and counts it applied. */
  decide(action: Action, done: boolean, write: () => void): void {
    if (done) this.skipped.push(action);
    else {
      write();
      this.applied.push(action);
    }
  }
}
