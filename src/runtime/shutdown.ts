import type { Logger } from "pino";

/**
 * Ordered, bounded shutdown: closers run in reverse order of registration (stop taking
 * requests first, close Redis last), and if they have not finished within the budget the
 * process exits anyway, so a hung dependency never keeps a bridge from restarting.
 */
export class Shutdown {
  readonly #closers: { name: string; close: () => Promise<void> }[] = [];
  #running: Promise<number> | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly timeoutMs: number,
  ) {}

  add(name: string, close: () => Promise<void>): void {
    this.#closers.push({ name, close });
  }

  /**
   * Runs every closer once; resolves to the exit status (0 clean, 1 timed out or failed).
   * `exitStatus` is the status the process will end with for another reason (a failed
   * start), so that the "stopped" line says what the process really does.
   */
  run(reason: string, exitStatus?: number): Promise<number> {
    this.#running ??= this.#runOnce(reason, exitStatus);
    return this.#running;
  }

  async #runOnce(reason: string, exitStatus: number | undefined): Promise<number> {
    this.logger.info({ reason, timeoutMs: this.timeoutMs }, "shutting down");
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<number>((ok) => {
      timer = setTimeout(() => {
        this.logger.error({ timeoutMs: this.timeoutMs }, "shutdown did not finish in time; exiting anyway");
        ok(1);
      }, this.timeoutMs);
      timer.unref();
    });
    const closeAll = (async () => {
      let status = 0;
      for (const { name, close } of [...this.#closers].reverse()) {
        try {
          await close();
          this.logger.debug({ closer: name }, "closed");
        } catch (err) {
          status = 1;
          this.logger.error({ err, closer: name }, "closing failed");
        }
      }
      return status;
    })();
    const closed = await Promise.race([closeAll, timedOut]);
    clearTimeout(timer);
    const status = exitStatus ?? closed;
    this.logger.info({ status }, "stopped");
    return status;
  }

  /** Exits the process on SIGTERM/SIGINT after a bounded shutdown. */
  onSignals(exit: (status: number) => void = (s) => process.exit(s)): void {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      process.once(signal, () => {
        void this.run(signal).then(exit);
      });
    }
  }
}
