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
    "\n  query FirmSearch($text: String, $filter: SearchFilter, $sort: SearchSort, $near: String, $first: Int, $after: String) {\n    search(text: $text, filter: $filter, sort: $sort, near: $near, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges {\n        cursor\n        highlight\n        distanceKm\n        node {\n          id\n          title\n          kind\n          status\n          maxAmountText\n          applicationPeriod { opensOn closesOn }\n          url\n          providerName\n          provider { id name phone address municipality { name } }\n        }\n      }\n      facets {\n        supportFields { value count }\n        kinds { value count }\n        statuses { value count }\n      }\n      interpretation {\n        terms places { code name } supportFields kinds needs firm dropped relaxed\n        relaxations { step words places { code name } }\n      }\n      suggestions\n    }\n  }\n": typeof types.FirmSearchDocument,
    "\n  query MunicipalityChoices($name: String!) {\n    municipalities(name: $name, first: 10) { code name prefecture }\n  }\n": typeof types.MunicipalityChoicesDocument,
    "\n  query ProgramPage($id: ID!, $agencyId: ID!) {\n    program(id: $id) {\n      id\n      title\n      summary\n      detail\n      kind\n      status\n      supportFields\n      purposes\n      maxAmountText\n      subsidyRate { text }\n      applicationPeriod { opensOn closesOn }\n      url\n      contact\n      updatedAt\n      eligibility { areaText employeeCeiling text areas { code name } industries { code name } }\n      provider { id name phone url address municipality { name prefecture } }\n      provenance { sourceId kind fetchedAt }\n      alternatives(first: 5) { id title status maxAmountText provider { name municipality { name } } }\n    }\n    sources(agencyId: $agencyId) { name status stale lastSuccessAt lastChangedAt }\n  }\n": typeof types.ProgramPageDocument,
};
const documents: Documents = {
    "\n  query DashboardStats($filter: StatsFilter) {\n    byMonth: consultationStats(groupBy: [MONTH], filter: $filter) { ...StatsTable }\n    byAgency: consultationStats(groupBy: [ORGANIZATION], filter: $filter) { ...StatsTable }\n    topicByMonth: consultationStats(groupBy: [TOPIC, MONTH], filter: $filter) { ...StatsTable }\n    byChannel: consultationStats(groupBy: [CHANNEL], filter: $filter) { ...StatsTable }\n  }\n\n  fragment StatsTable on ConsultationStats {\n    groupBy\n    total\n    suppressedCells\n    cells { keys { dimension value label } count suppressed }\n  }\n": types.DashboardStatsDocument,
    "\n  query FirmSearch($text: String, $filter: SearchFilter, $sort: SearchSort, $near: String, $first: Int, $after: String) {\n    search(text: $text, filter: $filter, sort: $sort, near: $near, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges {\n        cursor\n        highlight\n        distanceKm\n        node {\n          id\n          title\n          kind\n          status\n          maxAmountText\n          applicationPeriod { opensOn closesOn }\n          url\n          providerName\n          provider { id name phone address municipality { name } }\n        }\n      }\n      facets {\n        supportFields { value count }\n        kinds { value count }\n        statuses { value count }\n      }\n      interpretation {\n        terms places { code name } supportFields kinds needs firm dropped relaxed\n        relaxations { step words places { code name } }\n      }\n      suggestions\n    }\n  }\n": types.FirmSearchDocument,
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
export function graphql(source: "\n  query FirmSearch($text: String, $filter: SearchFilter, $sort: SearchSort, $near: String, $first: Int, $after: String) {\n    search(text: $text, filter: $filter, sort: $sort, near: $near, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges {\n        cursor\n        highlight\n        distanceKm\n        node {\n          id\n          title\n          kind\n          status\n          maxAmountText\n          applicationPeriod { opensOn closesOn }\n          url\n          providerName\n          provider { id name phone address municipality { name } }\n        }\n      }\n      facets {\n        supportFields { value count }\n        kinds { value count }\n        statuses { value count }\n      }\n      interpretation {\n        terms places { code name } supportFields kinds needs firm dropped relaxed\n        relaxations { step words places { code name } }\n      }\n      suggestions\n    }\n  }\n"): typeof import('./graphql').FirmSearchDocument;
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
