/**
 * Who is asking: the roles of the network and the viewer a verified identity yields. The store's
 * read API takes a viewer to apply the access rules; the gateway and subgraphs produce it.
 */
export type Role = 'anonymous' | 'staff' | 'coordinator' | 'analyst';

export interface Viewer {
  role: Role;
  /** The subject (user id) of the token; null for anonymous callers. */
  subject: string | null;
  /** The agency a staff member works for. */
  agencyId: string | null;
}

export const ANONYMOUS: Viewer = { role: 'anonymous', subject: null, agencyId: null };
