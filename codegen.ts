// Resolver types per subgraph, generated from its schema.graphql (schema first), and the pages' typed
// operations (client-preset, below). Resolver parents are the
// stored record types (mappers), so resolvers read records and the schema stays storage-free.
import type { CodegenConfig } from '@graphql-codegen/cli';

const SUBGRAPHS = ['organizations', 'programs', 'consultations', 'growth', 'desk'] as const;

const scalars = { Date: 'string', DateTime: 'string' };

const mappers: Record<string, Record<string, string>> = {
  organizations: {
    Organization: '../../domain/records#OrganizationRecord',
    Source: '../../domain/records#SourceRecord',
    RejectedRow: '../../domain/records#RowRejection',
    Provenance: '../../domain/records#ProvenanceRecord',
    Municipality: '../shared/values#MunicipalityValue',
    Industry: '../shared/values#IndustryValue',
  },
  programs: {
    Program: '../../domain/records#ProgramRecord',
    Organization: '../shared/values#OrganizationReference',
    Eligibility: '../../domain/records#ProgramRecord',
    SubsidyRate: '../../domain/records#ProgramRecord',
    ApplicationPeriod: '../../domain/records#ProgramRecord',
    Provenance: '../../domain/records#ProvenanceRecord',
    Municipality: '../shared/values#MunicipalityValue',
    Industry: '../shared/values#IndustryValue',
  },
  consultations: {
    Consultation: '../../domain/records#ConsultationRecord',
    CompanyProfile: '../../domain/records#ConsultationRecord',
    Referral: './context#ReferralRow',
    StatsKey: './context#StatsKeyValue',
    ConsultationStats: './context#StatsAnswerValue',
    StatsColumns: './context#StatsAnswerValue',
    StatsKeyColumn: './context#StatsKeyColumnValue',
    CompanyHistory: './context#CompanyHistoryValue',
    Company: '../../store/firms#FirmRecord',
    FirmMatchProposal: '../../store/firms#MatchProposal',
    FirmMatchMember: '../../store/firms#MatchCandidate',
    Organization: '../shared/values#OrganizationReference',
    Municipality: '../shared/values#MunicipalityValue',
    Industry: '../shared/values#IndustryValue',
  },
  growth: {
    Company: './context#CompanyReference',
    CompanyGrowth: './context#GrowthFileValue',
    GrowthScore: './context#GrowthScoreValue',
    ScoreContribution: './context#ScoreContributionValue',
    GrowthSignals: '../../store/signals#StoredSignals',
    Nomination: '../../store/growth#NominationRow',
    CommitteeDecision: '../../store/growth#DecisionRow',
    SupportPlan: '../../store/growth#PlanRow',
    SupportPlanEvent: '../../store/growth#PlanEventRow',
    CommitteeMeeting: '../../store/growth#MeetingRow',
    AgendaItem: '../../store/growth#AgendaRow',
    NominationAllowance: '../../store/committee#NominationAllowanceRow',
    GrowthAuditEntry: '../../store/audit#AuditRow',
    Organization: '../shared/values#OrganizationReference',
    Industry: '../shared/values#IndustryValue',
  },
  desk: {
    Company: './context#CompanyReference',
    Consultation: './context#ConsultationReference',
    Program: './context#ProgramReference',
    Organization: '../shared/values#OrganizationReference',
    Proposal: './proposals#Proposal as ProposalValue',
    ProposalReason: './proposals#Reason',
    ProposalMark: '../../store/desk#ProposalMarkRow',
    ConsultationNote: '../../store/desk#NoteRow',
    CompanyMatch: '../../store/desk#FirmFound',
    AlertSearch: '../../domain/alertSearch#AlertSearch as AlertSearchValue',
    ProgramFeed: './feed#ProgramFeedValue',
    ProgramFeedEntry: './alerts#Alert',
    ProgramDate: './feed#ProgramDateValue',
    ProgramWebhook: '../../store/webhooks#WebhookRow',
    WebhookDelivery: '../../store/webhooks#DeliveryRow',
    WebhookAttempt: '../../store/webhooks#AttemptRow',
    Municipality: '../shared/values#MunicipalityValue',
    Industry: '../shared/values#IndustryValue',
  },
};

/**
 * The web pages' operations (web/**), typed against the supergraph by client-preset. Documents are
 * replaced by their SHA-256 (persisted documents): the bundle carries hashes, the gateway the
 * texts, read from web/gql/persisted-documents.json.
 */
const webClient = {
  schema: 'gateway/supergraph.graphql',
  documents: ['web/**/*.{ts,tsx}', '!web/gql/**'],
  preset: 'client' as const,
  presetConfig: {
    fragmentMasking: false,
    persistedDocuments: { mode: 'replaceDocumentWithHash' as const, hashAlgorithm: 'sha256' as const },
  },
  config: {
    documentMode: 'string',
    enumsAsTypes: true,
    useTypeImports: true,
    scalars,
    avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
  },
};

/**
 * The gateway's own operations (the feeds', the committee pack's: gateway/operations/*.graphql),
 * typed against the supergraph: the result types the gateway reads their answers with.
 */
const gatewayOperations = {
  schema: 'gateway/supergraph.graphql',
  documents: ['gateway/operations/*.graphql'],
  plugins: [
    {
      add: { content: '/* eslint-disable */\n// Generated by `npm run codegen` from gateway/operations; do not edit.' },
    },
    'typescript-operations',
  ],
  config: {
    enumsAsTypes: true,
    useTypeImports: true,
    scalars,
    avoidOptionals: true,
    maybeValue: 'T | null',
  },
};

const config: CodegenConfig = {
  overwrite: true,
  generates: {
    'web/gql/': webClient,
    'gateway/operations.generated.ts': gatewayOperations,
    ...Object.fromEntries(
      SUBGRAPHS.map((name) => [
        `subgraphs/${name}/resolvers.generated.ts`,
        {
          schema: [
            'subgraphs/shared/federation.graphql',
            'subgraphs/shared/common.graphql',
            `subgraphs/${name}/schema.graphql`,
          ],
          plugins: [
            {
              add: {
                content: '/* eslint-disable */\n// Generated by `npm run codegen` from schema.graphql; do not edit.',
              },
            },
            'typescript',
            'typescript-resolvers',
          ],
          config: {
            federation: true,
            contextType: `./context#${name[0].toUpperCase()}${name.slice(1)}Context`,
            mappers: mappers[name],
            scalars,
            enumsAsTypes: true,
            useTypeImports: true,
            avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
            maybeValue: 'T | null',
          },
        },
      ]),
    ),
  },
};

export default config;
