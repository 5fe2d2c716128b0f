/** node:crypto in the browser build: the pseudonymous patient reference is computed on the server only. */
export function createHmac(): never {
  throw new Error('createHmac is not available in the browser');
}
