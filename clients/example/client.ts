/**
 * A typed client in a few lines: each call sends the operation's hash as `documentId` (GraphQL
 * over HTTP, persisted documents) with its typed variables, and gets its typed result back.
 *   npx tsx clients/example/client.ts 281000             (programmes for 神戸市)
 *   MADOGUCHI_TOKEN=… npx tsx clients/example/client.ts   (an analyst's topic trend)
 */
import type { TypedDocumentString } from './gql/graphql';
import { FinancingNearDocument, TopicTrendDocument } from './operations';

const ENDPOINT = process.env.MADOGUCHI_URL ?? 'http://localhost:4000/graphql';

export async function execute<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  token?: string,
): Promise<TResult> {
  const documentId = (document.__meta__ as { hash: string }).hash;
  const response = await fetch(ENDPOINT, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ documentId, variables }),
  });
  const body = (await response.json()) as {
    data?: TResult;
    errors?: Array<{ message: string; extensions?: { code?: string } }>;
  };
  if (body.errors?.length || !body.data)
    throw new Error(
      `${body.errors?.[0]?.extensions?.code ?? response.status}: ${body.errors?.[0]?.message ?? 'no data'}`,
    );
  return body.data;
}

async function main(): Promise<void> {
  const token = process.env.MADOGUCHI_TOKEN;
  if (token) {
    const { consultationStats } = await execute(TopicTrendDocument, { from: '2025-04-01', to: '2025-06-30' }, token);
    for (const c of consultationStats.cells.slice(0, 10))
      console.log(c.keys.map((k) => k.label ?? k.value).join(' / '), c.suppressed ? '秘匿' : c.count);
    return;
  }
  const { search } = await execute(FinancingNearDocument, { municipalityCode: process.argv[2] ?? '281000' });
  console.log(`${search.totalCount} programmes`);
  for (const { node } of search.edges)
    console.log(`${node.title} — ${node.provider?.name ?? ''} ${node.applicationPeriod.closesOn ?? '随時'}`);
}

if (require.main === module) main().catch((e: Error) => (console.error(e.message), process.exit(1)));
