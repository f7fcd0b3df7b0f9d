import type { Logger } from "pino";

/**
 * Ordered, bounded shutdown: closers run in reverse order of registration (stop taking
 * requests first, close Redis last), and if they have not finished within the budget the
 * process exits anyway, so a hung dependency never keeps a bridge from restarting.
 */
export class Shutdown {
  readonly #closers: { name: string; close: () => Promise<void> }[] = [];
  readonly #beginning: (() => void)[] = [];
  #running: Promise<number> | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly timeoutMs: number,
  ) {}

  add(name: string, close: () => Promise<void>): void {
    this.#closers.push({ name, close });
  }

  /**
   * Called as the shutdown begins, before any closer: a watcher that would take a
   * dependency going away for a failure (and restart it, or log an error) stands down, since
   * the dependency may be stopped by the same signal.
   */
  onBegin(begin: () => void): void {
    this.#beginning.push(begin);
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
    for (const begin of this.#beginning) begin();
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

  /**
   * Exits the process on SIGTERM/SIGINT after a bounded shutdown; and on SIGHUP when it runs
   * in a terminal, which is closing (under nohup stdout is no terminal, and the hang-up stays
   * ignored). A signal repeated meanwhile — Ctrl-C pressed twice, or a wrapper passing on
   * the one the process already got from the terminal — is taken for the same request: the
   * default action of a second SIGINT would end the process halfway through its shutdown.
   */
  onSignals(exit: (status: number) => void = (s) => process.exit(s)): void {
    const signals: NodeJS.Signals[] = [
      "SIGTERM",
      "SIGINT",
      ...(process.stdout.isTTY ? ["SIGHUP" as const] : []),
    ];
    for (const signal of signals) {
      process.on(signal, () => {
        if (!this.#running) void this.run(signal).then(exit);
      });
    }
  }
}
