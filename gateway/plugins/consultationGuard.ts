/**
 * The gateway's wall in front of consultation data and firms' growth files: operations reaching
 * for consultation records, firms, the growth committee or statistics are refused before planning
 * when the caller's role could never see them. Root fields are found wherever the operation
 * selects them: directly, under an alias, or inside inline fragments and fragment spreads on the
 * root type, however nested. The subgraphs enforce the same rules again.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Role } from '../../server/identity';

const RECORD_FIELDS = new Set(['consultations', 'consultation', 'companyHistory']);
/** The roles that may use each restricted root field; other root fields are open to every role. */
export const ALLOWED: Record<string, Role[]> = {
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
  // The committee page's agencies' side.
  nominations: ['staff', 'coordinator'],
  nominationAllowance: ['staff', 'coordinator'],
  recordCommitteeDecision: ['coordinator'],
  updateSupportPlan: ['coordinator'],
  // The desk subgraph: finding firms, proposals' marks, notes (webhooks are checked by the subgraph:
  // the install may list owners that are not coordinators).
  deskCompanies: ['staff', 'coordinator'],
  markProposal: ['staff', 'coordinator'],
  addConsultationNote: ['staff', 'coordinator'],
};

/** Names of the root fields an operation selects, through fragments of any kind and depth. */
export function rootFields(document: DocumentNode, op: OperationDefinitionNode): string[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const names = new Set<string>();
  const spread = new Set<string>();
  const pending: SelectionSetNode[] = [op.selectionSet];
  while (pending.length) {
    for (const s of pending.pop()!.selections) {
      if (s.kind === Kind.FIELD) names.add(s.name.value);
      else if (s.kind === Kind.INLINE_FRAGMENT) pending.push(s.selectionSet);
      else if (!spread.has(s.name.value)) {
        spread.add(s.name.value);
        const fragment = fragments.get(s.name.value);
        if (fragment) pending.push(fragment.selectionSet);
      }
    }
  }
  return [...names];
}

// An operation belongs to one document: its root fields are found once per operation.
const rootFieldsMemo = new WeakMap<OperationDefinitionNode, string[]>();
function rootFieldsOf(op: OperationDefinitionNode, document: DocumentNode): string[] {
  let names = rootFieldsMemo.get(op);
  if (!names) rootFieldsMemo.set(op, (names = rootFields(document, op)));
  return names;
}

export function consultationGuardPlugin(): ApolloServerPlugin<{ viewer: { role: Role } }> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, contextValue }) {
          if (!operation) return;
          const role = contextValue.viewer?.role ?? 'anonymous';
          for (const field of rootFieldsOf(operation, document)) {
            const allowed = ALLOWED[field];
            if (!allowed || allowed.includes(role)) continue;
            if (role === 'anonymous') {
              throw new GraphQLError(`${field} needs a bearer token`, {
                extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
              });
            }
            throw new GraphQLError(
              `role ${role} may not use ${field}${RECORD_FIELDS.has(field) ? ' (consultation records)' : ''}`,
              {
                extensions: { code: 'FORBIDDEN', http: { status: 403 } },
              },
            );
          }
        },
      };
    },
  };
}
