// In-process concurrency limits of the delivery engine: requests per worker, requests per endpoint,
// deliver jobs per endpoint. release() hands the slot straight to the next waiter.

export class Semaphore {
  active = 0;
  private readonly waiters: (() => void)[] = [];
  constructor(readonly limit: number) {}

  async acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active += 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.active -= 1;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await task();
    } finally {
      this.release();
    }
  }
}

/** Per endpoint: a request semaphore and how many deliver jobs hold work for it. */
export class EndpointLimits {
  private readonly limiters = new Map<string, { semaphore: Semaphore; jobs: number }>();
  constructor(private readonly perEndpoint: number) {}

  private entry(endpointId: string) {
    let entry = this.limiters.get(endpointId);
    if (!entry) {
      entry = { semaphore: new Semaphore(this.perEndpoint), jobs: 0 };
      this.limiters.set(endpointId, entry);
    }
    return entry;
  }

  /**
   * Whether a deliver job may start now: at most `perEndpoint` jobs per endpoint at a time (their
   * deliveries queue for the endpoint's request slots, so its pipe never idles), so one slow
   * endpoint cannot hold every job slot of the worker.
   */
  admit(endpointId: string): boolean {
    const entry = this.entry(endpointId);
    if (entry.jobs >= this.perEndpoint) return false;
    entry.jobs += 1;
    return true;
  }

  finish(endpointId: string): void {
    const entry = this.limiters.get(endpointId);
    if (!entry) return;
    entry.jobs -= 1;
    if (entry.jobs <= 0 && entry.semaphore.active === 0) this.limiters.delete(endpointId);
  }

  /** Runs one request under the endpoint's limit. */
  async run<T>(endpointId: string, task: () => Promise<T>): Promise<T> {
    const entry = this.entry(endpointId);
    try {
      return await entry.semaphore.run(task);
    } finally {
      // Direct sends (worker/direct-sends.ts) hold no job: the last request ends the entry.
      if (
        entry.jobs <= 0 &&
        entry.semaphore.active === 0 &&
        this.limiters.get(endpointId) === entry
      )
        this.limiters.delete(endpointId);
    }
  }
}

/**
 * How long a job turned away by the endpoint limit waits before it asks again: 100 ms, doubling
 * with every refusal up to 1.5 s, plus up to as much again of jitter. The endpoint's admitted jobs
 * drain its new deliveries meanwhile, so waiting longer costs no latency, while every refusal
 * costs a round of Redis scripts and worker CPU (with a fixed 100-500 ms, the refusals of the jobs
 * queued behind a busy endpoint cost ~20 % of the unbatched throughput).
 */
export function refusedJobDelayMs(timesStarted: number, random = Math.random()): number {
  const base = Math.min(1500, 100 * 2 ** Math.max(0, timesStarted - 1));
  return Math.round(base * (1 + random));
}
