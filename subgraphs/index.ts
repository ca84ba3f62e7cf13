/** Every subgraph module, in the order the gateway lists them. */
import { organizations } from './organizations';
import { programs } from './programs';
import { consultations } from './consultations';
import { growth } from './growth';
import { desk } from './desk';
import type { SubgraphModule } from './shared/module';

export const SUBGRAPHS: SubgraphModule[] = [organizations, programs, consultations, growth, desk] as SubgraphModule[];

export function findSubgraph(name: string): SubgraphModule | undefined {
  return SUBGRAPHS.find((s) => s.name === name);
}

/** Where each subgraph listens by default; the gateway can override every URL at run time. */
export const DEFAULT_SUBGRAPH_PORTS: Record<string, number> = {
  organizations: 4001,
  programs: 4002,
  consultations: 4003,
  growth: 4004,
  desk: 4005,
};
