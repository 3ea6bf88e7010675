/**
 * Orders control requests per instance, not for the whole daemon: a request waits only for the earlier
 * requests that touch one of its instances (a `stop X` after a `restart X` still waits for it), so a
 * start that waits minutes for readiness holds up nothing else. Each lane is forgotten once idle, so the
 * map never outgrows the requests in flight.
 */
export class RequestLanes {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(lanes: readonly string[], work: () => Promise<T>): Promise<T> {
    const unique = [...new Set(lanes)];
    const before = Promise.all(unique.map((lane) => this.tails.get(lane)));
    const done = before.then(work);
    const tail = done.then(
      () => undefined,
      () => undefined,
    );
    for (const lane of unique) this.tails.set(lane, tail);
    void tail.then(() => {
      for (const lane of unique) if (this.tails.get(lane) === tail) this.tails.delete(lane);
    });
    return done;
  }

  /** Lanes with a request queued or in flight (for tests). */
  get busy(): number {
    return this.tails.size;
  }
}
