/** The desk's operations: find a firm, read its file (history, notes, proposals), refer, note, mark. */
import { graphql } from '../gql';

export const DeskFindDocument = graphql(`
  query DeskFind($text: String!) {
    deskCompanies(text: $text) {
      company { id }
      name
      corporateNumber
      municipality { name }
      consultations
      matchedBy
    }
  }
`);

export const DeskCompanyDocument = graphql(`
  query DeskCompany($id: ID!) {
    company(id: $id) {
      id
      name
      corporateNumber
      identifiedBy
      industry { code name }
      employees
      municipality { name }
      consultations(first: 50) {
        totalCount
        edges {
          node {
            id
            receivedAt
            channel
            topics
            summary
            outcome
            organization { id name }
            referrals { to { id name } referredAt }
            notes { id body writtenBy writtenAt }
          }
        }
      }
      proposals(first: 10) {
        score
        distanceKm
        program { id title kind url applicationPeriod { opensOn closesOn } }
        provider { id name }
        reasons { kind text evidence }
        mark { mark reason markedBy markedAt }
      }
    }
  }
`);

export const DeskReferDocument = graphql(`
  mutation DeskRefer($id: ID!, $to: ID!, $note: String) {
    referConsultation(id: $id, to: $to, note: $note) { id referrals { to { id name } referredAt } }
  }
`);

export const DeskNoteDocument = graphql(`
  mutation DeskNote($id: ID!, $body: String!) {
    addConsultationNote(consultationId: $id, body: $body) { id body writtenBy writtenAt }
  }
`);

export const DeskMarkDocument = graphql(`
  mutation DeskMark($company: ID!, $program: ID!, $mark: ProposalMarkKind!, $reason: String) {
    markProposal(companyId: $company, programId: $program, mark: $mark, reason: $reason) { mark reason markedAt }
  }
`);
