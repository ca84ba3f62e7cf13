// The operations this example client needs, written once and typed by client-preset.
import { graphql } from './gql';

/** Loans and guarantees open to firms in a municipality, soonest deadline first. */
export const FinancingNearDocument = graphql(`
  query FinancingNear($municipalityCode: String!) {
    search(filter: { supportFields: [FINANCE], municipalityCode: $municipalityCode, status: [OPEN, ONGOING] }, sort: CLOSING_DATE, first: 5) {
      totalCount
      edges { node { id title status applicationPeriod { closesOn } provider { name phone } } }
    }
  }
`);

/** An analyst's monthly counts by topic, with names. Needs an analyst or coordinator token. */
export const TopicTrendDocument = graphql(`
  query TopicTrend($from: Date, $to: Date) {
    consultationStats(groupBy: [TOPIC, MONTH], filter: { from: $from, to: $to }) {
      total
      cells { keys { value label } count suppressed }
    }
  }
`);
