// In-process concurrency limits of the delivery engine: requests per worker, requests per endpoint.
// release() hands the slot straight to the next waiter, so `active` stays at the limit while
// anyone waits (which is what the deliver job's admission check reads).

export class Semaphore {
  active = 0;
  private readonly waiters: (() => void)[] = [];
  constructor(readonly limit: number) {}

  get waiting(): number {
    return this.waiters.length;
  }

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

/** Per-endpoint limiters plus how many deliveries each endpoint has admitted and not finished. */
export class EndpointLimits {
  private readonly limiters = new Map<string, { semaphore: Semaphore; jobs: number; pending: number }>();
  constructor(private readonly perEndpoint: number) {}

  private entry(endpointId: string) {
    let entry = this.limiters.get(endpointId);
    if (!entry) {
      entry = { semaphore: new Semaphore(this.perEndpoint), jobs: 0, pending: 0 };
      this.limiters.set(endpointId, entry);
    }
    return entry;
  }

  /**
   * Whether a job of `size` deliveries may start now: at most `perEndpoint` jobs per endpoint at a
   * time (their deliveries queue for the endpoint's request slots, so its pipe never idles), so
   * one slow endpoint cannot hold every job slot of the worker.
   */
  admit(endpointId: string, size: number): boolean {
    const entry = this.entry(endpointId);
    if (entry.jobs >= this.perEndpoint) return false;
    entry.jobs += 1;
    entry.pending += size;
    return true;
  }

  /** The job finished (or handed back) its `unsent` deliveries without sending them. */
  finish(endpointId: string, unsent = 0): void {
    const entry = this.limiters.get(endpointId);
    if (!entry) return;
    entry.jobs -= 1;
    entry.pending -= unsent;
    if (entry.jobs <= 0 && entry.semaphore.active === 0) this.limiters.delete(endpointId);
  }

  /** Sends one request under the endpoint's limit; counts it done afterwards. */
  async run<T>(endpointId: string, task: () => Promise<T>): Promise<T> {
    const entry = this.entry(endpointId);
    try {
      return await entry.semaphore.run(task);
    } finally {
      entry.pending -= 1;
    }
  }
}
