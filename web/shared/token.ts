/**
 * The token of this browser tab's session, shared by the analysts' dashboard and the desk (see
 * ./session): one sign-in serves both pages.
 */
import { tokenSession } from './session';

const session = tokenSession('madoguchi.analytics.token');

export const loadToken = session.load;
export const saveToken = session.save;
export const clearToken = session.clear;
export { tokenClaims } from './session';
