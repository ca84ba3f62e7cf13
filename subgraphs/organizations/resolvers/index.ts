/**
 * Resolvers of the organizations subgraph: the directory, one organization, and the sources with
 * their freshness and rejected rows. Everyone sees a source's status, counts and freshness; its
 * location and error detail, and the refused rows of a consultation log (firms' data), only the
 * agency's own staff and coordinators.
 */
import { GraphQLError } from 'graphql';
import type { Resolvers } from '../resolvers.generated';
import * as organizations from '../../../store/organizations';
import { list as listSources } from '../../../store/sources';
import { isWithin } from '../../../domain/municipalities';
import { DateScalar, DateTimeScalar } from '../../shared/scalars';
import { provenanceResolvers } from '../../shared/module';
import { municipalityValue as toMunicipality } from '../../shared/values';

export const resolvers: Resolvers = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  Query: {
    organizations: async (_, { filter }, ctx) => {
      const rows = await organizations.list(ctx.store, filter ?? {});
      const area = filter?.municipalityCode;
      if (!area) return rows;
      if (!/^\d{6}$/.test(area)) {
        throw new GraphQLError('municipalityCode must be a 6-digit 全国地方公共団体コード', {
          extensions: { code: 'BAD_USER_INPUT' },
        });
      }
      return rows.filter((r) => r.municipalityCode !== null && isWithin(r.municipalityCode, area));
    },
    organization: (_, { id }, ctx) => ctx.organizationById.load(id),
    sources: (_, { agencyId }, ctx) => listSources(ctx.store, { agencyId: agencyId ?? null }),
  },
  Organization: {
    __resolveReference: (ref, ctx) => ctx.organizationById.load(ref.id),
    municipality: (o) => toMunicipality(o.municipalityCode),
    location: (o) => (o.lat !== null && o.lng !== null ? { lat: o.lat, lng: o.lng } : null),
    provenance: (o) => o,
  },
  Provenance: provenanceResolvers,
  Source: {
    entity: (s) => s.entity.toUpperCase() as 'ORGANIZATION' | 'PROGRAM' | 'CONSULTATION' | 'COMMITTEE' | 'LIVE',
    live: (s) =>
      s.live
        ? { ...s.live, circuit: s.live.circuit.toUpperCase().replace('-', '_') as 'CLOSED' | 'OPEN' | 'HALF_OPEN' }
        : null,
    location: (s, _, ctx) => (ctx.seesDetailOf(s.agencyId) ? s.location : null),
    lastError: (s, _, ctx) => (ctx.seesDetailOf(s.agencyId) ? s.lastError : null),
    rejectedRows: async (s, { first }, ctx) => {
      const limit = first ?? 100;
      if (limit < 0 || limit > 1000)
        throw new GraphQLError('first must be between 0 and 1000', { extensions: { code: 'BAD_USER_INPUT' } });
      if ((s.entity === 'consultation' || s.entity === 'committee') && !ctx.seesDetailOf(s.agencyId)) return [];
      return ctx.rejectionsBySource(limit).load(s.id);
    },
  },
};
