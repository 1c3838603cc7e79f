// A deadline for one outbound request that holds while the garbage collector runs.
//
// Node 20's AbortSignal.any() keeps its source signals only weakly, and AbortSignal.timeout()'s timer
// keeps its signal only weakly: `AbortSignal.any([AbortSignal.timeout(ms), shutdown])` handed to
// fetch() can be collected mid-request, and then it never fires. Reproduced here against a server
// that never answers, with frequent collections: every such fetch hung for good. In the worker that
// was a pull stuck in RUNNING forever, holding its (source, log type) lock, so every later pull of it
// was skipped as busy: the audit trail went quiet with nothing failing. A plain controller that the
// timer and the parent's listener hold strongly until dispose() has no such gap.

export type Deadline = {
  /** Aborts with a TimeoutError after the time given, or with the parent's reason when it aborts. */
  signal: AbortSignal;
  /** Stops the timer and detaches from the parent; call it once the request and its body are done. */
  dispose: () => void;
};

export function startDeadline(timeoutMs: number, parent?: AbortSignal): Deadline {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException(`No answer within ${timeoutMs} ms`, "TimeoutError")), timeoutMs);
  const forward = () => controller.abort(parent?.reason);
  if (parent?.aborted) forward();
  else parent?.addEventListener("abort", forward, { once: true });
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      parent?.removeEventListener("abort", forward);
    },
  };
}
