/**
 * The one-stop page's operations. `npm run codegen` types them against the supergraph and writes
 * their hashes (web/gql/) and texts (web/gql/persisted-documents.json, which the gateway reads).
 */
import { graphql } from '../gql';

export const FirmSearchDocument = graphql(`
  query FirmSearch($text: String, $filter: SearchFilter, $sort: SearchSort, $near: String, $first: Int, $after: String) {
    search(text: $text, filter: $filter, sort: $sort, near: $near, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges {
        cursor
        highlight
        distanceKm
        node {
          id
          title
          kind
          status
          maxAmountText
          applicationPeriod { opensOn closesOn }
          url
          providerName
          provider { id name phone address municipality { name } }
        }
      }
      facets {
        supportFields { value count }
        kinds { value count }
        statuses { value count }
      }
      interpretation {
        terms places { code name } supportFields kinds needs firm dropped relaxed
        relaxations { step words places { code name } }
      }
      suggestions
    }
  }
`);

export const MunicipalityChoicesDocument = graphql(`
  query MunicipalityChoices($name: String!) {
    municipalities(name: $name, first: 10) { code name prefecture }
  }
`);

export const ProgramPageDocument = graphql(`
  query ProgramPage($id: ID!, $agencyId: ID!) {
    program(id: $id) {
      id
      title
      summary
      detail
      kind
      status
      supportFields
      purposes
      maxAmountText
      subsidyRate { text }
      applicationPeriod { opensOn closesOn }
      url
      contact
      updatedAt
      eligibility { areaText employeeCeiling text areas { code name } industries { code name } }
      provider { id name phone url address municipality { name prefecture } }
      provenance { sourceId kind fetchedAt }
      alternatives(first: 5) { id title status maxAmountText provider { name municipality { name } } }
    }
    sources(agencyId: $agencyId) { name status stale lastSuccessAt lastChangedAt }
  }
`);
