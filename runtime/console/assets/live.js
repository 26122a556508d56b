// @ts-check
/**
 * One EventSource on /v1/events per page, shared by whatever the page draws. Events carry
 * JSON; a listener gets the parsed value. The stream opens before the page's module has
 * loaded, so events that arrive before the first listener of their name are kept (up to
 * MAX_QUEUED each) and handed to it when it registers. The browser reconnects by itself after
 * the server's `retry:` delay; `onState` reports whether the stream is up, reconnecting, or
 * closed for good (the server refused it: the session ended, or too many streams are open).
 */

/** Every event the server sends (runtime/console/console.ts). */
export const EVENTS = ['rates-history', 'rates', 'kpi', 'exceptions', 'dead-letters'];
const MAX_QUEUED = 100;

/**
 * @typedef {object} LiveEvents
 * @property {(event: string, listener: (data: any) => void) => void} on
 * @property {(listener: (state: 'up' | 'reconnecting' | 'closed') => void) => void} onState
 * @property {() => void} close
 */

/** @returns {LiveEvents} */
export function connectEvents() {
  const source = new EventSource('/v1/events', { withCredentials: true });
  /** @type {Map<string, ((data: any) => void)[]>} */
  const listeners = new Map();
  /** @type {Map<string, unknown[]>} */
  const queued = new Map();
  /** @type {((state: 'up' | 'reconnecting' | 'closed') => void)[]} */
  const states = [];
  /**
   * @param {string} event
   * @param {(data: any) => void} l
   * @param {unknown} data
   */
  const deliver = (event, l, data) => {
    try {
      l(data);
    } catch (err) {
      console.warn(`console: the ${event} event could not be shown`, err);
    }
  };
  for (const event of EVENTS) {
    source.addEventListener(event, (e) => {
      let data;
      try {
        data = JSON.parse(/** @type {MessageEvent} */ (e).data);
      } catch {
        return;
      }
      const ls = listeners.get(event);
      if (ls) for (const l of ls) deliver(event, l, data);
      else {
        const q = queued.get(event) ?? [];
        q.push(data);
        if (q.length > MAX_QUEUED) q.shift();
        queued.set(event, q);
      }
    });
  }
  source.addEventListener('open', () => states.forEach((l) => l('up')));
  // A refused stream (an answer other than 200) is closed and not retried by the browser.
  source.addEventListener('error', () => states.forEach((l) => l(source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting')));
  return {
    on(event, listener) {
      const ls = listeners.get(event) ?? [];
      ls.push(listener);
      listeners.set(event, ls);
      const q = queued.get(event);
      queued.delete(event);
      if (q) for (const data of q) deliver(event, listener, data);
    },
    onState(listener) {
      states.push(listener);
    },
    close() {
      source.close();
    },
  };
}

/**
 * Runs `work` now, and again at most every `ms` however often it is asked for (a burst of
 * events refetches once). Run now, the promise is the work's; put off, it resolves at once.
 * @param {() => Promise<void>} work
 * @param {number} ms
 * @returns {() => Promise<void>}
 */
export function throttle(work, ms) {
  let last = 0;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  return async () => {
    const wait = last + ms - Date.now();
    if (wait > 0) {
      timer ??= setTimeout(() => {
        timer = undefined;
        last = Date.now();
        void work();
      }, wait);
      return;
    }
    last = Date.now();
    await work();
  };
}
