/**
 * The gateway's wall in front of consultation data and firms' growth files: operations reaching
 * for consultation records, firms, the growth committee or statistics are refused before planning
 * when the caller's role could never see them. The subgraphs enforce the same rules again.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, type OperationDefinitionNode } from 'graphql';
import type { Role } from '../../subgraphs/shared/identity';

const RECORD_FIELDS = new Set(['consultations', 'consultation', 'companyHistory']);
const ALLOWED: Record<string, Role[]> = {
  consultations: ['staff', 'coordinator'],
  consultation: ['staff', 'coordinator'],
  companyHistory: ['coordinator'],
  consultationStats: ['analyst', 'coordinator'],
  referConsultation: ['staff'],
  company: ['staff', 'coordinator'],
  firmMatchProposals: ['coordinator'],
  confirmFirmMatch: ['coordinator'],
  rejectFirmMatch: ['coordinator'],
  // The growth subgraph: firms' growth files, the committee, the programme's figures.
  growthFirms: ['staff', 'coordinator'],
  committeeMeeting: ['coordinator'],
  committeeMeetings: ['coordinator'],
  growthAudit: ['coordinator'],
  growthSummary: ['analyst', 'coordinator'],
  growthCounts: ['analyst', 'coordinator'],
  nominateCompany: ['staff', 'coordinator'],
  recordCommitteeDecision: ['coordinator'],
  updateSupportPlan: ['coordinator'],
};

function rootFields(op: OperationDefinitionNode): string[] {
  return op.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []));
}

export function consultationGuardPlugin(): ApolloServerPlugin<{ viewer: { role: Role } }> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, contextValue }) {
          if (!operation) return;
          const role = contextValue.viewer?.role ?? 'anonymous';
          for (const field of rootFields(operation)) {
            const allowed = ALLOWED[field];
            if (!allowed || allowed.includes(role)) continue;
            if (role === 'anonymous') {
              throw new GraphQLError(`${field} needs a bearer token`, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
            }
            throw new GraphQLError(`role ${role} may not use ${field}${RECORD_FIELDS.has(field) ? ' (consultation records)' : ''}`, {
              extensions: { code: 'FORBIDDEN', http: { status: 403 } },
            });
          }
        },
      };
    },
  };
}
