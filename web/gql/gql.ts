/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query DashboardStats($filter: StatsFilter) {\n    byMonth: consultationStats(groupBy: [MONTH], filter: $filter) { ...StatsTable }\n    byAgency: consultationStats(groupBy: [ORGANIZATION], filter: $filter) { ...StatsTable }\n    topicByMonth: consultationStats(groupBy: [TOPIC, MONTH], filter: $filter) { ...StatsTable }\n    byChannel: consultationStats(groupBy: [CHANNEL], filter: $filter) { ...StatsTable }\n  }\n\n  fragment StatsTable on ConsultationStats {\n    groupBy\n    total\n    suppressedCells\n    cells { keys { dimension value label } count suppressed }\n  }\n": typeof types.DashboardStatsDocument,
    "\n  query DeskFind($text: String!) {\n    deskCompanies(text: $text) {\n      company { id }\n      name\n      corporateNumber\n      municipality { name }\n      consultations\n      matchedBy\n    }\n  }\n": typeof types.DeskFindDocument,
    "\n  query DeskCompany($id: ID!) {\n    company(id: $id) {\n      id\n      name\n      corporateNumber\n      identifiedBy\n      industry { code name }\n      employees\n      municipality { name }\n      consultations(first: 50) {\n        totalCount\n        edges {\n          node {\n            id\n            receivedAt\n            channel\n            topics\n            summary\n            outcome\n            organization { id name }\n            referrals { to { id name } referredAt }\n            notes { id body writtenBy writtenAt }\n          }\n        }\n      }\n      proposals(first: 10) {\n        score\n        distanceKm\n        program { id title kind url applicationPeriod { opensOn closesOn } }\n        provider { id name }\n        reasons { kind text evidence }\n        mark { mark reason markedBy markedAt }\n      }\n    }\n  }\n": typeof types.DeskCompanyDocument,
    "\n  mutation DeskRefer($id: ID!, $to: ID!, $note: String) {\n    referConsultation(id: $id, to: $to, note: $note) { id referrals { to { id name } referredAt } }\n  }\n": typeof types.DeskReferDocument,
    "\n  mutation DeskNote($id: ID!, $body: String!) {\n    addConsultationNote(consultationId: $id, body: $body) { id body writtenBy writtenAt }\n  }\n": typeof types.DeskNoteDocument,
    "\n  mutation DeskMark($company: ID!, $program: ID!, $mark: ProposalMarkKind!, $reason: String) {\n    markProposal(companyId: $company, programId: $program, mark: $mark, reason: $reason) { mark reason markedAt }\n  }\n": typeof types.DeskMarkDocument,
    "\n  query FirmSearch($text: String, $filter: SearchFilter, $sort: SearchSort, $near: String, $first: Int, $after: String) {\n    search(text: $text, filter: $filter, sort: $sort, near: $near, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges {\n        cursor\n        highlight\n        distanceKm\n        node {\n          id\n          title\n          kind\n          status\n          maxAmountText\n          applicationPeriod { opensOn closesOn }\n          provider { id name phone address municipality { name } }\n        }\n      }\n      facets {\n        supportFields { value count }\n        kinds { value count }\n        statuses { value count }\n      }\n      interpretation { terms places { code name } supportFields kinds needs dropped relaxed }\n      suggestions\n    }\n  }\n": typeof types.FirmSearchDocument,
    "\n  query MunicipalityChoices($name: String!) {\n    municipalities(name: $name, first: 10) { code name prefecture }\n  }\n": typeof types.MunicipalityChoicesDocument,
    "\n  query ProgramPage($id: ID!, $agencyId: ID!) {\n    program(id: $id) {\n      id\n      title\n      summary\n      detail\n      kind\n      status\n      supportFields\n      purposes\n      maxAmountText\n      subsidyRate { text }\n      applicationPeriod { opensOn closesOn }\n      url\n      contact\n      updatedAt\n      eligibility { areaText employeeCeiling text areas { code name } industries { code name } }\n      provider { id name phone url address municipality { name prefecture } }\n      provenance { sourceId kind fetchedAt }\n      alternatives(first: 5) { id title status maxAmountText provider { name municipality { name } } }\n    }\n    sources(agencyId: $agencyId) { name status stale lastSuccessAt lastChangedAt }\n  }\n": typeof types.ProgramPageDocument,
};
const documents: Documents = {
    "\n  query DashboardStats($filter: StatsFilter) {\n    byMonth: consultationStats(groupBy: [MONTH], filter: $filter) { ...StatsTable }\n    byAgency: consultationStats(groupBy: [ORGANIZATION], filter: $filter) { ...StatsTable }\n    topicByMonth: consultationStats(groupBy: [TOPIC, MONTH], filter: $filter) { ...StatsTable }\n    byChannel: consultationStats(groupBy: [CHANNEL], filter: $filter) { ...StatsTable }\n  }\n\n  fragment StatsTable on ConsultationStats {\n    groupBy\n    total\n    suppressedCells\n    cells { keys { dimension value label } count suppressed }\n  }\n": types.DashboardStatsDocument,
    "\n  query DeskFind($text: String!) {\n    deskCompanies(text: $text) {\n      company { id }\n      name\n      corporateNumber\n      municipality { name }\n      consultations\n      matchedBy\n    }\n  }\n": types.DeskFindDocument,
    "\n  query DeskCompany($id: ID!) {\n    company(id: $id) {\n      id\n      name\n      corporateNumber\n      identifiedBy\n      industry { code name }\n      employees\n      municipality { name }\n      consultations(first: 50) {\n        totalCount\n        edges {\n          node {\n            id\n            receivedAt\n            channel\n            topics\n            summary\n            outcome\n            organization { id name }\n            referrals { to { id name } referredAt }\n            notes { id body writtenBy writtenAt }\n          }\n        }\n      }\n      proposals(first: 10) {\n        score\n        distanceKm\n        program { id title kind url applicationPeriod { opensOn closesOn } }\n        provider { id name }\n        reasons { kind text evidence }\n        mark { mark reason markedBy markedAt }\n      }\n    }\n  }\n": types.DeskCompanyDocument,
    "\n  mutation DeskRefer($id: ID!, $to: ID!, $note: String) {\n    referConsultation(id: $id, to: $to, note: $note) { id referrals { to { id name } referredAt } }\n  }\n": types.DeskReferDocument,
    "\n  mutation DeskNote($id: ID!, $body: String!) {\n    addConsultationNote(consultationId: $id, body: $body) { id body writtenBy writtenAt }\n  }\n": types.DeskNoteDocument,
    "\n  mutation DeskMark($company: ID!, $program: ID!, $mark: ProposalMarkKind!, $reason: String) {\n    markProposal(companyId: $company, programId: $program, mark: $mark, reason: $reason) { mark reason markedAt }\n  }\n": types.DeskMarkDocument,
    "\n  query FirmSearch($text: String, $filter: SearchFilter, $sort: SearchSort, $near: String, $first: Int, $after: String) {\n    search(text: $text, filter: $filter, sort: $sort, near: $near, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges {\n        cursor\n        highlight\n        distanceKm\n        node {\n          id\n          title\n          kind\n          status\n          maxAmountText\n          applicationPeriod { opensOn closesOn }\n          provider { id name phone address municipality { name } }\n        }\n      }\n      facets {\n        supportFields { value count }\n        kinds { value count }\n        statuses { value count }\n      }\n      interpretation { terms places { code name } supportFields kinds needs dropped relaxed }\n      suggestions\n    }\n  }\n": types.FirmSearchDocument,
    "\n  query MunicipalityChoices($name: String!) {\n    municipalities(name: $name, first: 10) { code name prefecture }\n  }\n": types.MunicipalityChoicesDocument,
    "\n  query ProgramPage($id: ID!, $agencyId: ID!) {\n    program(id: $id) {\n      id\n      title\n      summary\n      detail\n      kind\n      status\n      supportFields\n      purposes\n      maxAmountText\n      subsidyRate { text }\n      applicationPeriod { opensOn closesOn }\n      url\n      contact\n      updatedAt\n      eligibility { areaText employeeCeiling text areas { code name } industries { code name } }\n      provider { id name phone url address municipality { name prefecture } }\n      provenance { sourceId kind fetchedAt }\n      alternatives(first: 5) { id title status maxAmountText provider { name municipality { name } } }\n    }\n    sources(agencyId: $agencyId) { name status stale lastSuccessAt lastChangedAt }\n  }\n": types.ProgramPageDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardStats($filter: StatsFilter) {\n    byMonth: consultationStats(groupBy: [MONTH], filter: $filter) { ...StatsTable }\n    byAgency: consultationStats(groupBy: [ORGANIZATION], filter: $filter) { ...StatsTable }\n    topicByMonth: consultationStats(groupBy: [TOPIC, MONTH], filter: $filter) { ...StatsTable }\n    byChannel: consultationStats(groupBy: [CHANNEL], filter: $filter) { ...StatsTable }\n  }\n\n  fragment StatsTable on ConsultationStats {\n    groupBy\n    total\n    suppressedCells\n    cells { keys { dimension value label } count suppressed }\n  }\n"): typeof import('./graphql').DashboardStatsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DeskFind($text: String!) {\n    deskCompanies(text: $text) {\n      company { id }\n      name\n      corporateNumber\n      municipality { name }\n      consultations\n      matchedBy\n    }\n  }\n"): typeof import('./graphql').DeskFindDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DeskCompany($id: ID!) {\n    company(id: $id) {\n      id\n      name\n      corporateNumber\n      identifiedBy\n      industry { code name }\n      employees\n      municipality { name }\n      consultations(first: 50) {\n        totalCount\n        edges {\n          node {\n            id\n            receivedAt\n            channel\n            topics\n            summary\n            outcome\n            organization { id name }\n            referrals { to { id name } referredAt }\n            notes { id body writtenBy writtenAt }\n          }\n        }\n      }\n      proposals(first: 10) {\n        score\n        distanceKm\n        program { id title kind url applicationPeriod { opensOn closesOn } }\n        provider { id name }\n        reasons { kind text evidence }\n        mark { mark reason markedBy markedAt }\n      }\n    }\n  }\n"): typeof import('./graphql').DeskCompanyDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeskRefer($id: ID!, $to: ID!, $note: String) {\n    referConsultation(id: $id, to: $to, note: $note) { id referrals { to { id name } referredAt } }\n  }\n"): typeof import('./graphql').DeskReferDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeskNote($id: ID!, $body: String!) {\n    addConsultationNote(consultationId: $id, body: $body) { id body writtenBy writtenAt }\n  }\n"): typeof import('./graphql').DeskNoteDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeskMark($company: ID!, $program: ID!, $mark: ProposalMarkKind!, $reason: String) {\n    markProposal(companyId: $company, programId: $program, mark: $mark, reason: $reason) { mark reason markedAt }\n  }\n"): typeof import('./graphql').DeskMarkDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FirmSearch($text: String, $filter: SearchFilter, $sort: SearchSort, $near: String, $first: Int, $after: String) {\n    search(text: $text, filter: $filter, sort: $sort, near: $near, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges {\n        cursor\n        highlight\n        distanceKm\n        node {\n          id\n          title\n          kind\n          status\n          maxAmountText\n          applicationPeriod { opensOn closesOn }\n          provider { id name phone address municipality { name } }\n        }\n      }\n      facets {\n        supportFields { value count }\n        kinds { value count }\n        statuses { value count }\n      }\n      interpretation { terms places { code name } supportFields kinds needs dropped relaxed }\n      suggestions\n    }\n  }\n"): typeof import('./graphql').FirmSearchDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MunicipalityChoices($name: String!) {\n    municipalities(name: $name, first: 10) { code name prefecture }\n  }\n"): typeof import('./graphql').MunicipalityChoicesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ProgramPage($id: ID!, $agencyId: ID!) {\n    program(id: $id) {\n      id\n      title\n      summary\n      detail\n      kind\n      status\n      supportFields\n      purposes\n      maxAmountText\n      subsidyRate { text }\n      applicationPeriod { opensOn closesOn }\n      url\n      contact\n      updatedAt\n      eligibility { areaText employeeCeiling text areas { code name } industries { code name } }\n      provider { id name phone url address municipality { name prefecture } }\n      provenance { sourceId kind fetchedAt }\n      alternatives(first: 5) { id title status maxAmountText provider { name municipality { name } } }\n    }\n    sources(agencyId: $agencyId) { name status stale lastSuccessAt lastChangedAt }\n  }\n"): typeof import('./graphql').ProgramPageDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
