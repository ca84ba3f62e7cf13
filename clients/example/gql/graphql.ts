/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** Application status (受付状況). */
export type ProgramStatus =
  /** 受付終了 — closed */
  | 'CLOSED'
  /** 随時 — no application period; always available */
  | 'ONGOING'
  /** 受付中 — accepting applications */
  | 'OPEN'
  /** 受付前 — opens later */
  | 'UPCOMING';

export type FinancingNearQueryVariables = Exact<{
  municipalityCode: string;
}>;


export type FinancingNearQuery = { search: { totalCount: number, edges: Array<{ node: { id: string, title: string, status: ProgramStatus, applicationPeriod: { closesOn: string | null }, provider: { name: string, phone: string | null } | null } }> } };

export type TopicTrendQueryVariables = Exact<{
  from?: string | null | undefined;
  to?: string | null | undefined;
}>;


export type TopicTrendQuery = { consultationStats: { total: number | null, cells: Array<{ count: number | null, suppressed: boolean, keys: Array<{ value: string, label: string | null }> }> } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}

export const FinancingNearDocument = {"__meta__":{"hash":"sha256:ee3c54c05568a83e3e087ba30f6e91b1559b85b64a24aa7c01630481b8dd43be"}} as unknown as TypedDocumentString<FinancingNearQuery, FinancingNearQueryVariables>;
export const TopicTrendDocument = {"__meta__":{"hash":"sha256:aa1e4737f6c266664219fc4012eef4780d48bcd1e5df20bfd9b84a2bc4d623b9"}} as unknown as TypedDocumentString<TopicTrendQuery, TopicTrendQueryVariables>;