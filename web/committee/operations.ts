/**
 * The committee page's operations: a meeting's agenda and decisions, one firm's file for the
 * meeting, recording a decision, the follow-up list of supported firms, and the agencies' side —
 * their nominations for a meeting, what is left of their allowance, and nominating a client.
 */
import { graphql } from '../gql';

export const CommitteeAgendaDocument = graphql(`
  query CommitteeAgenda($month: String!) {
    committeeMeeting(month: $month) {
      month
      heldOn
      agenda(topScored: 20) {
        reasons
        score
        company {
          id
          name
          corporateNumber
          municipality { name }
          industry { code name }
          growth {
            status
            nominations(meeting: $month) { id agency { id name } rationale nominatedBy nominatedAt fromMinutes }
          }
        }
      }
      decisions { id decision reason decidedBy decidedAt fromMinutes company { id name } }
    }
  }
`);

export const CommitteeFirmDocument = graphql(`
  query CommitteeFirm($id: ID!) {
    company(id: $id) {
      id
      name
      corporateNumber
      employees
      municipality { name }
      industry { code name }
      consultations(first: 100) {
        totalCount
        edges { node { id receivedAt channel topics outcome organization { id name } } }
      }
      growth {
        status
        score { total asOf weightsVersion contributions { signal value points reason } }
        plan { ...PlanFacts }
        decisions { id meeting decision reason decidedBy decidedAt fromMinutes }
        nominations { id meeting rationale nominatedAt agency { id name } }
      }
    }
  }

  fragment PlanFacts on SupportPlan {
    id
    status
    selectedIn
    goals
    nextReviewOn
    reviewScheduled
    reviewOverdue
    leadAgency { id name }
    participatingAgencies { id name }
    history { at status note recordedBy }
  }
`);

export const RecordDecisionDocument = graphql(`
  mutation RecordDecision($input: CommitteeDecisionInput!) {
    recordCommitteeDecision(input: $input) { id decision reason decidedBy decidedAt meeting company { id name } }
  }
`);

export const FollowUpDocument = graphql(`
  query FollowUp($statuses: [GrowthStatus!], $after: String) {
    growthFirms(filter: { statuses: $statuses }, first: 100, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges {
        node {
          id
          name
          growth {
            status
            signals { lastConsultedAt }
            plan { id status selectedIn nextReviewOn reviewOverdue reviewScheduled leadAgency { id name } history { at } }
          }
        }
      }
    }
  }
`);

export const RecordReviewDocument = graphql(`
  mutation RecordReview($input: SupportPlanUpdateInput!) {
    updateSupportPlan(input: $input) { id nextReviewOn reviewOverdue reviewScheduled history { at note } }
  }
`);

export const AgencyNominationsDocument = graphql(`
  query AgencyNominations($meeting: String!) {
    nominations(meeting: $meeting) { id meeting rationale nominatedBy nominatedAt agency { id name } company { id name } }
    nominationAllowance(meeting: $meeting) { meeting cap used remaining agency { id name } }
  }
`);

export const FirmLookupDocument = graphql(`
  query FirmLookup($id: ID!) {
    company(id: $id) { id name municipality { name } industry { name } growth { status } }
  }
`);

export const NominateDocument = graphql(`
  mutation Nominate($companyId: ID!, $rationale: String!, $meeting: String) {
    nominateCompany(companyId: $companyId, rationale: $rationale, meeting: $meeting) {
      id meeting rationale nominatedAt company { id name }
    }
  }
`);
