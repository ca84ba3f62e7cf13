/** Example operations preloaded in the explorer, one tab each. */
import { jstMonthOf } from '../../domain/growth/status';

export interface ExampleOperation {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  headers?: Record<string, string>;
}

export const EXAMPLE_OPERATIONS: ExampleOperation[] = [
  {
    name: 'Directory',
    query: `# Every support body with its programmes and consultation count (支援機関と施策)
query Directory {
  organizations {
    id
    name
    kind
    municipality { name prefecture }
    consultationCount
    programs { title kind status }
  }
}`,
  },
  {
    name: 'OneStopSearch',
    query: `# One-stop search (ワンストップ検索): keywords (起業, ｽﾀｰﾄｱｯﾌﾟ, 販路拡大) or a firm's own sentence
# (借入の返済がきつい, 神戸市で店を開きたい, 後を継ぐ人がいない). interpretation says how it was read.
query OneStopSearch($text: String!) {
  search(text: $text, first: 10) {
    totalCount
    interpretation { terms places { code name } supportFields kinds needs dropped relaxed }
    suggestions
    edges { highlight node { title kind status provider { name } } }
    facets { supportFields { value count } providers { value count } }
  }
}`,
    variables: { text: '神戸市で店を開きたいのですが' },
  },
  {
    name: 'AnalystStatistics',
    query: `# Needs an analyst or coordinator token: npm run token -- --role analyst
# Counts are perturbed by the cell-key method (±2 at most, the same for the same cell every time);
# cells of 1–4 consultations are withheld (秘匿処理). Dates are whole months for analysts.
query AnalystStatistics {
  consultationStats(groupBy: [ORGANIZATION, TOPIC], filter: { from: "2025-04-01", to: "2026-03-31" }) {
    total
    suppressedCells
    cells { keys { dimension value label } count suppressed }
  }
}`,
    headers: { Authorization: 'Bearer <paste a token from npm run token -- --role analyst>' },
  },
  {
    name: 'MonthByAgencyTrend',
    query: `# Each agency's consultations month by month (機関別の月次推移), for an analyst or coordinator.
# Cells keep their codes in value and their names in label; suppressed cells have count null.
query MonthByAgencyTrend($from: Date, $to: Date) {
  consultationStats(groupBy: [ORGANIZATION, MONTH], filter: { from: $from, to: $to }) {
    total
    suppressedCells
    cells { keys { dimension value label } count suppressed }
  }
}`,
    variables: { from: '2025-04-01', to: '2026-03-31' },
    headers: { Authorization: 'Bearer <paste a token from npm run token -- --role analyst>' },
  },
  {
    name: 'TopicShares',
    query: `# What firms ask about (相談分野の構成比): each topic's count against the total. A consultation
# with two topics counts under each, so the shares add up to more than 100%.
query TopicShares($from: Date, $to: Date) {
  consultationStats(groupBy: [TOPIC], filter: { from: $from, to: $to }) {
    total
    cells { keys { value label } count suppressed }
  }
}`,
    variables: { from: '2025-04-01', to: '2026-03-31' },
    headers: { Authorization: 'Bearer <paste a token from npm run token -- --role analyst>' },
  },
  {
    name: 'ChannelMix',
    query: `# How firms reach the agencies (相談方法の内訳): counter, phone, visit and online, month by month.
query ChannelMix($from: Date, $to: Date) {
  consultationStats(groupBy: [CHANNEL, MONTH], filter: { from: $from, to: $to }) {
    total
    suppressedCells
    cells { keys { dimension value label } count suppressed }
  }
}`,
    variables: { from: '2025-04-01', to: '2026-03-31' },
    headers: { Authorization: 'Bearer <paste a token from npm run token -- --role analyst>' },
  },
  {
    name: 'BigTableAsColumns',
    query: `# A big table as columns (列形式): month × municipality × industry, thousands of cells. Row i of
# columns is cell i of cells, with no object per cell: each dimension lists its codes and labels
# once, and codes[i] is the position of cell i's code in values; counts[i] is null when withheld.
# Cell i: keys[d].values[keys[d].codes[i]] for each dimension d, then counts[i] and suppressed[i].
query BigTableAsColumns($from: Date, $to: Date) {
  consultationStats(groupBy: [MONTH, MUNICIPALITY, INDUSTRY], filter: { from: $from, to: $to }) {
    total
    suppressedCells
    columns {
      keys { dimension values labels codes }
      counts
      suppressed
    }
  }
}`,
    variables: { from: '2025-04-01', to: '2026-03-31' },
    headers: { Authorization: 'Bearer <paste a token from npm run token -- --role analyst>' },
  },
  {
    name: 'MyConsultations',
    query: `# Consultation records (相談記録), as the token's role allows:
#   staff (npm run token -- --role staff --agency hyogo-cgc): their agency's and those referred to it
#   coordinator (npm run token -- --role coordinator): every agency's
#   analyst or no token: refused (FORBIDDEN / UNAUTHENTICATED); analysts use consultationStats
query MyConsultations {
  consultations(first: 10) {
    totalCount
    edges {
      node {
        id
        receivedAt
        organization { id name }
        referredTo { id name }
        topics
        channel
        company { corporateNumber industry { code } municipality { name } }
        summary
        referrals { to { id name } referredAt note }
      }
    }
  }
}`,
    headers: { Authorization: 'Bearer <paste a token from npm run token -- --role staff --agency hyogo-cgc>' },
  },
  {
    name: 'CompanyHistory',
    query: `# A firm's consultations across agencies by 法人番号 (coordinators only).
# Take a corporateNumber from MyConsultations run with a coordinator token.
query CompanyHistory($corporateNumber: String!) {
  companyHistory(corporateNumber: $corporateNumber) {
    corporateNumber
    agencies { id name }
    consultations { receivedAt organization { name } topics referrals { to { name } } }
  }
}`,
    variables: { corporateNumber: '<13-digit 法人番号>' },
    headers: { Authorization: 'Bearer <paste a token from npm run token -- --role coordinator>' },
  },
  {
    name: 'PrepareCommitteeMeeting',
    query: `# Preparing the month's growth-firm committee (成長企業発掘・育成委員会): coordinators only
# (npm run token -- --role coordinator). The agenda lists the firms nominated for the meeting,
# then the highest-scored firms no one nominated, every point of each score explained.
# Each firm read here is written to the audit log (growthAudit). The same agenda as a CSV for
# the meeting's paper: GET /exports/committee/<month>.csv with the same token.
query PrepareCommitteeMeeting($month: String!) {
  growthSummary { selectedTotal active graduated meetings }
  committeeMeeting(month: $month) {
    month
    agenda(topScored: 10) {
      reasons
      score
      company {
        id
        name
        municipality { name }
        industry { name }
        growth {
          status
          score { total contributions { signal value points reason } }
          nominations(meeting: $month) { agency { name } rationale }
        }
      }
    }
  }
}`,
    variables: { month: jstMonthOf(new Date()) },
    headers: { Authorization: 'Bearer <paste a token from npm run token -- --role coordinator>' },
  },
  {
    name: 'ClientGrowthStatus',
    query: `# Your agency's clients in the growth-firm programme (成長期待企業) and their support plans,
# as agency staff see them (npm run token -- --role staff --agency hyogo-iac): nominated,
# deferred or supported firms, highest score first. Staff see status, plans and their own
# agency's nominations; scores and decisions are for coordinators.
query ClientGrowthStatus {
  growthFirms(first: 10) {
    totalCount
    edges {
      node {
        id
        name
        growth {
          status
          nominations { meeting rationale }
          plan {
            status
            selectedIn
            leadAgency { name }
            participatingAgencies { name }
            goals
            history { at status note }
          }
        }
      }
    }
  }
}`,
    headers: { Authorization: 'Bearer <paste a token from npm run token -- --role staff --agency hyogo-iac>' },
  },
  {
    name: 'NominateClient',
    query: `# Staff nominate one of their agency's clients for the month's committee (推薦), by its
# firm id (法人番号, or the N-/L- id a consultation's firm gives). Sending it twice nominates once.
mutation NominateClient($companyId: ID!, $rationale: String!) {
  nominateCompany(companyId: $companyId, rationale: $rationale) {
    id
    meeting
    agency { name }
    rationale
    company { name growth { status } }
  }
}`,
    variables: {
      companyId: '<firm id>',
      rationale: '販路開拓と海外展開の相談が続き、複数機関での支援が有効と考え推薦する。',
    },
    headers: { Authorization: 'Bearer <paste a token from npm run token -- --role staff --agency hyogo-iac>' },
  },
  {
    name: 'SourceFreshness',
    query: `# Where the data comes from and how fresh it is (データソースの鮮度)
query SourceFreshness {
  sources { id kind status stale lastSuccessAt acceptedCount rejectedCount rejectedRows(first: 3) { row field reason } }
}`,
  },
];
