// @ts-check
/**
 * The /v1 API from the browser: the session cookie goes along (same origin), and every
 * request that changes something carries the session's CSRF token. A 401 means the session
 * has ended: the page goes to the sign-in form.
 */

/** An API answer that was not 2xx, with the server's error text. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   */
  constructor(status, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

/**
 * @typedef {object} Api
 * @property {(path: string) => Promise<any>} get
 * @property {(path: string, body?: unknown) => Promise<any>} post
 */

/**
 * @param {string} csrf the csrf value of GET /console/session
 * @returns {Api}
 */
export function createApi(csrf) {
  /**
   * @param {string} method
   * @param {string} path
   * @param {unknown} [body]
   */
  async function call(method, path, body) {
    /** @type {Record<string, string>} */
    const headers = { accept: 'application/json' };
    if (method !== 'GET') {
      headers['x-csrf-token'] = csrf;
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(path, { method, headers, credentials: 'same-origin', ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    if (res.status === 401) {
      signInAgain();
      throw new ApiError(401, 'the session has ended');
    }
    const text = await res.text();
    /** @type {any} */
    let data;
    try {
      data = text === '' ? undefined : JSON.parse(text);
    } catch {
      data = undefined;
    }
    if (!res.ok) throw new ApiError(res.status, (data && typeof data.error === 'string' && data.error) || `${method} ${path}: HTTP ${res.status}`);
    return data;
  }
  return { get: (path) => call('GET', path), post: (path, body) => call('POST', path, body) };
}

/** Goes to the sign-in form (the session ended or was never there). */
export function signInAgain() {
  window.location.assign('/console/sign-in');
}
