/**
 * The one shape every subgraph module has: name, SDL, resolvers and a context factory. The same
 * object feeds the subgraph's own server, the in-process composition tests and the gateway's list.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type DocumentNode } from 'graphql';
import type { Queryable } from '../../store/store';
import type { SnapshotChange } from '../../store/engine/notifications';
import type { Provenance } from '../../domain/records';
import type { Logger } from 'pino';
import type { Viewer } from '../../server/identity';
import type { Settings } from '../../server/settings';
import type { ApolloServerPlugin } from '@apollo/server';

export interface SubgraphModule<C = unknown> {
  name: string;
  typeDefs: DocumentNode;
  // Each module's generated Resolvers type; kept loose here so modules can share one list.
  resolvers: object;
  createContext(store: Queryable, options?: { now?: () => Date; viewer?: Viewer; settings?: Settings }): C;
  /** Plugins of the module's own for its server (consultations: its statistics' answer, ../consultations/statsAnswer.ts). */
  plugins?(): ApolloServerPlugin<object>[];
  /** Work to finish before the subgraph reports ready (the programs subgraph's search index). */
  warm?(store: Queryable): Promise<void>;
  /**
   * The part of warming that needs no data (the programs subgraph's tokenizer dictionary): done
   * while the data `warm` reads is still coming in (startSubgraph's `warmAfter`).
   */
  prepare?(): void;
  /**
   * Called when any process sharing the store wrote a new snapshot (`null`: notifications may
   * have been missed), to refresh what the module keeps derived from the rows.
   */
  onSnapshot?(store: Queryable, change: SnapshotChange): void;
  /**
   * Work the subgraph's process does beside answering (the desk's webhook sending), started once
   * the subgraph serves and stopped when it closes; null when there is none for this store.
   */
  background?(
    store: Queryable,
    options: { now?: () => Date; logger?: Logger; settings?: Settings },
  ): Promise<{ stop(): Promise<void> } | null>;
}

/** Reads the shared types and a subgraph's own schema.graphql from the source tree. */
export function loadTypeDefs(subgraphDir: string): DocumentNode {
  const common = readFileSync(join(__dirname, 'common.graphql'), 'utf8');
  const own = readFileSync(join(subgraphDir, 'schema.graphql'), 'utf8');
  return parse(`${own}\n${common}`);
}

/** Provenance fields read straight off any stored record. */
export const provenanceResolvers = {
  agencyId: (p: Provenance) => p.agencyId,
  sourceId: (p: Provenance) => p.sourceId,
  kind: (p: Provenance) => p.sourceKind,
  location: (p: Provenance) => p.sourceLocation,
  fetchedAt: (p: Provenance) => p.fetchedAt,
  contentHash: (p: Provenance) => p.contentHash,
  row: (p: Provenance) => p.sourceRow,
};
