/**
 * `agency:check` for live sources: composes the file's live sources with the built-in subgraphs
 * exactly as the gateway would (the same registry: reads, ownership rules, composition), lists
 * what each adds or why it is left out, and calls one operation of each — a root field needing no
 * argument, through the same guarded client — as a smoke test.
 */
import { getNamedType, isLeafType, isObjectType, type GraphQLField, type GraphQLSchema } from 'graphql';
import pino from 'pino';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import type { LiveSourceCheck, LiveSourceDeclaration } from '../../domain/liveSources';
import { ANONYMOUS } from '../../server/identity';
import type { SubgraphDefinition } from './composer';
import { LiveRegistry } from './registry';

/** A query calling one root field with no required argument, selecting its leaves (or __typename). */
function smokeQuery(schema: GraphQLSchema, fields: string[]): { operation: string; query: string } | null {
  const query = schema.getQueryType();
  if (!query) return null;
  const candidates = Object.values(query.getFields()).filter(
    (f: GraphQLField<unknown, unknown>) =>
      !f.name.startsWith('_') &&
      fields.includes(`Query.${f.name}`) &&
      f.args.every((a) => !String(a.type).endsWith('!')),
  );
  const field = candidates[0];
  if (!field) return null;
  const type = getNamedType(field.type);
  let selection = '';
  if (isObjectType(type)) {
    const leaves = Object.values(type.getFields())
      .filter((f) => isLeafType(getNamedType(f.type)) && f.args.length === 0)
      .slice(0, 4)
      .map((f) => f.name);
    selection = ` { ${leaves.length ? leaves.join(' ') : '__typename'} }`;
  } else if (!isLeafType(type)) selection = ' { __typename }';
  return { operation: field.name, query: `{ ${field.name}${selection} }` };
}

export async function checkLiveSources(
  declarations: LiveSourceDeclaration[],
  options: { builtins: SubgraphDefinition[]; baseSupergraph: string; identitySecret: string; env?: NodeJS.ProcessEnv },
): Promise<LiveSourceCheck[]> {
  if (declarations.length === 0) return [];
  const registry = new LiveRegistry({
    declarations: () => declarations,
    builtins: options.builtins,
    baseSupergraph: options.baseSupergraph,
    identitySecret: options.identitySecret,
    env: options.env,
    logger: pino({ level: 'silent' }),
  });
  try {
    await registry.refresh();
    const checks: LiveSourceCheck[] = [];
    for (const status of registry.statuses()) {
      let smoke: LiveSourceCheck['smoke'] = null;
      const sdl = registry.acceptedSdl(status.id);
      const call = sdl ? smokeQuery(buildSubgraphSchema([{ typeDefs: parse(sdl) }]), status.fields) : null;
      const source = registry.dataSource(status.id);
      if (call && source && status.composed) {
        const started = performance.now();
        try {
          const answer = await source.process({
            kind: 'UNKNOWN' as never,
            request: { query: call.query },
            context: { viewer: ANONYMOUS },
          } as never);
          const ms = Math.round(performance.now() - started);
          const error = answer.errors?.[0]?.message;
          smoke = { operation: call.operation, ok: !error, ms, ...(error ? { error } : { answer: answer.data }) };
        } catch (e) {
          smoke = {
            operation: call.operation,
            ok: false,
            ms: Math.round(performance.now() - started),
            error: (e as Error).message,
          };
        }
      }
      const errors = status.lastError ? status.lastError.split('\n') : [];
      checks.push({
        id: status.id,
        kind: status.kind,
        location: status.location,
        status: status.composed && (smoke?.ok ?? true) && errors.length === 0 ? 'ok' : 'failed',
        composed: status.composed,
        errors,
        fields: status.fields,
        smoke,
      });
    }
    return checks;
  } finally {
    await registry.close();
  }
}
