/**
 * Four small subgraphs in the shape of the public federation gateway benchmarks — accounts,
 * inventory, products, reviews — with in-memory data from a fixed recipe, so that a deep query
 * crosses all four (users → reviews → product → reviews → author → reviews → product, with
 * shippingEstimate needing price and weight from another subgraph).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse, type DocumentNode } from 'graphql';
import { serveApollo, type RunningServer } from '../../server/http';

interface User {
  id: string;
  name: string;
  username: string;
  birthday: number;
}
interface Product {
  upc: string;
  name: string;
  price: number;
  weight: number;
}
interface Review {
  id: string;
  body: string;
  authorId: string;
  upc: string;
}

const FIRST = ['Ada', 'Alan', 'Grace', 'Edsger', 'Barbara'];
const LAST = ['Lovelace', 'Turing', 'Hopper', 'Dijkstra', 'Liskov'];
const USERS: User[] = FIRST.map((first, i) => ({
  id: String(i + 1),
  name: `${first} ${LAST[i]}`,
  username: `@${first.toLowerCase()}`,
  birthday: 1815 + i * 20,
}));
const PRODUCTS: Product[] = Array.from({ length: 10 }, (_, i) => ({
  upc: String(i + 1),
  name: `Product ${i + 1}`,
  price: 100 + ((i * 379) % 1200),
  weight: 10 + ((i * 53) % 400),
}));
const REVIEWS: Review[] = Array.from({ length: 20 }, (_, i) => ({
  id: String(i + 1),
  body: `Review ${i + 1}: ${i % 3 ? 'works as described' : 'could be better'}`,
  authorId: USERS[i % USERS.length].id,
  upc: PRODUCTS[i % PRODUCTS.length].upc,
}));

const byId = <T, K extends keyof T>(list: T[], key: K) => new Map(list.map((x) => [String(x[key]), x]));
const users = byId(USERS, 'id');
const products = byId(PRODUCTS, 'upc');
const reviews = byId(REVIEWS, 'id');

export interface BenchSubgraph {
  name: string;
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<unknown>;
}

function sdl(name: string): DocumentNode {
  return parse(readFileSync(join(__dirname, `${name}.graphql`), 'utf8'));
}

export const BENCH_SUBGRAPHS: BenchSubgraph[] = [
  {
    name: 'accounts',
    typeDefs: sdl('accounts'),
    resolvers: {
      Query: { me: () => USERS[0], users: () => USERS },
      User: { __resolveReference: (ref: { id: string }) => users.get(ref.id) ?? null },
    },
  },
  {
    name: 'inventory',
    typeDefs: sdl('inventory'),
    resolvers: {
      Product: {
        __resolveReference: (ref: { upc: string; price?: number; weight?: number }) => ({
          ...ref,
          inStock: Number(ref.upc) % 3 !== 0,
        }),
        shippingEstimate: (p: { price?: number; weight?: number }) =>
          (p.price ?? 0) > 1000 ? 0 : Math.round((p.weight ?? 0) * 0.5),
      },
    },
  },
  {
    name: 'products',
    typeDefs: sdl('products'),
    resolvers: {
      Query: { topProducts: (_: unknown, args: { first?: number }) => PRODUCTS.slice(0, args.first ?? 5) },
      Product: { __resolveReference: (ref: { upc: string }) => products.get(ref.upc) ?? null },
    },
  },
  {
    name: 'reviews',
    typeDefs: sdl('reviews'),
    resolvers: {
      Review: {
        __resolveReference: (ref: { id: string }) => reviews.get(ref.id) ?? null,
        author: (r: Review) => ({ __typename: 'User', id: r.authorId, username: users.get(r.authorId)?.username }),
        product: (r: Review) => ({ __typename: 'Product', upc: r.upc }),
      },
      User: { reviews: (u: { id: string }) => REVIEWS.filter((r) => r.authorId === u.id) },
      Product: { reviews: (p: { upc: string }) => REVIEWS.filter((r) => r.upc === p.upc) },
    },
  },
];

export async function startBenchSubgraph(subgraph: BenchSubgraph, port = 0): Promise<RunningServer> {
  const apollo = new ApolloServer({
    schema: buildSubgraphSchema([{ typeDefs: subgraph.typeDefs, resolvers: subgraph.resolvers }]),
    plugins: [ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginLandingPageDisabled()],
    includeStacktraceInErrorResponses: false,
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  return serveApollo(apollo, { port, context: async () => ({}) });
}
