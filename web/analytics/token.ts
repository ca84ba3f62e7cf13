/** The analyst's token for this tab's session (see ../shared/session). */
import { tokenSession } from '../shared/session';

const session = tokenSession('madoguchi.analytics.token');

export const loadToken = session.load;
export const saveToken = session.save;
export const clearToken = session.clear;
export { tokenClaims } from '../shared/session';
