/** The analyst dashboard's operation: four aggregates of one period, with names for every code. */
import { graphql } from '../gql';

export const DashboardStatsDocument = graphql(`
  query DashboardStats($filter: StatsFilter) {
    byMonth: consultationStats(groupBy: [MONTH], filter: $filter) { ...StatsTable }
    byAgency: consultationStats(groupBy: [ORGANIZATION], filter: $filter) { ...StatsTable }
    topicByMonth: consultationStats(groupBy: [TOPIC, MONTH], filter: $filter) { ...StatsTable }
    byChannel: consultationStats(groupBy: [CHANNEL], filter: $filter) { ...StatsTable }
  }

  fragment StatsTable on ConsultationStats {
    groupBy
    total
    suppressedCells
    cells { keys { dimension value label } count suppressed }
  }
`);
