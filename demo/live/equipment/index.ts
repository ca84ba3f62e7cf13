/**
 * The demo technology centre's own equipment-booking service (兵庫県立工業技術センター 開放機器): a
 * Federation 2 subgraph the centre would run itself, with its equipment and booking slots, adding
 * `Organization.equipment` to Madoguchi's directory. Declared in agencies/hyogo-itc.yaml as a
 * `graphql-subgraph` source; it is not part of Madoguchi and imports nothing of it.
 *
 * Alone: `npx tsx demo/live/equipment/index.ts [--port N] [--schema FILE] [--jwks URL]`; `--schema`
 * serves another version of its schema (the tests change it that way), `--jwks` makes it refuse
 * calls without the gateway's identity.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import type { IdentityCheckOptions } from '../identity';
import { flags, jwksOption, runAlone, serveLive, type RunningLiveService } from '../serve';

interface Equipment {
  id: string;
  name: string;
  category: string;
  location: string | null;
  ratePerHour: number;
}

const DATA = JSON.parse(readFileSync(join(__dirname, 'data.json'), 'utf8')) as {
  provider: string;
  equipment: Equipment[];
};
export const EQUIPMENT_SCHEMA_FILE = join(__dirname, 'schema.graphql');

const byId = new Map(DATA.equipment.map((e) => [e.id, e]));
const DAY_MS = 86_400_000;
const SLOT_HOURS: Array<[number, number]> = [
  [9, 12],
  [13, 17],
];

/** Whether a slot is taken: fixed per equipment, day and slot, so every run shows the same week. */
function taken(id: string, day: string, slot: number): boolean {
  let h = 2166136261;
  for (const c of `${id}|${day}|${slot}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return (h >>> 0) % 3 === 0;
}

function slots(e: Equipment, from: string | null | undefined, days: number | null | undefined) {
  const count = days ?? 7;
  if (!Number.isInteger(count) || count < 1 || count > 14) throw new Error('days must be between 1 and 14');
  const start = from ? new Date(`${from}T00:00:00+09:00`) : new Date(Date.now() + 9 * 3_600_000);
  if (Number.isNaN(start.getTime())) throw new Error('from must be a day such as 2026-07-01');
  const first = new Date(start.toISOString().slice(0, 10));
  const out: Array<{ startsAt: string; endsAt: string; available: boolean }> = [];
  for (let d = 0; d < count; d++) {
    const day = new Date(first.getTime() + d * DAY_MS);
    const weekday = day.getUTCDay();
    if (weekday === 0 || weekday === 6) continue; // the centre is closed at weekends
    const date = day.toISOString().slice(0, 10);
    SLOT_HOURS.forEach(([a, b], i) =>
      out.push({
        startsAt: `${date}T${String(a).padStart(2, '0')}:00:00+09:00`,
        endsAt: `${date}T${String(b).padStart(2, '0')}:00:00+09:00`,
        available: !taken(e.id, date, i),
      }),
    );
  }
  return out;
}

const resolvers = {
  Query: {
    equipment: (_: unknown, { id }: { id: string }) => byId.get(id) ?? null,
    equipmentList: (_: unknown, { category }: { category?: string | null }) =>
      DATA.equipment.filter((e) => !category || e.category === category),
  },
  Organization: {
    equipment: (o: { id: string }) => (o.id === DATA.provider ? DATA.equipment : []),
  },
  Equipment: {
    __resolveReference: (ref: { id: string }) => byId.get(ref.id) ?? null,
    slots: (e: Equipment, args: { from?: string | null; days?: number | null }) => slots(e, args.from, args.days),
    provider: () => ({ id: DATA.provider }),
  },
};

export interface EquipmentServiceOptions {
  port?: number;
  host?: string;
  /** Another version of the schema to serve (fields it lacks are gone; fields it adds answer null). */
  schemaFile?: string;
  identity?: IdentityCheckOptions;
}

export async function startEquipmentService(options: EquipmentServiceOptions = {}): Promise<RunningLiveService> {
  const typeDefs = parse(readFileSync(options.schemaFile ?? EQUIPMENT_SCHEMA_FILE, 'utf8'));
  const apollo = new ApolloServer({
    schema: buildSubgraphSchema([{ typeDefs, resolvers: resolvers as never }]),
    plugins: [ApolloServerPluginInlineTraceDisabled()],
    csrfPrevention: false,
  });
  await apollo.start();
  const running = await serveLive(options, async ({ method, url, headers, body }) => {
    if (url.pathname !== '/graphql') return { status: 404, body: { errors: [{ message: 'not found' }] } };
    const map = new HeaderMap();
    for (const [k, v] of Object.entries(headers)) if (typeof v === 'string') map.set(k, v);
    let parsed: unknown;
    try {
      parsed = body ? JSON.parse(body) : undefined;
    } catch {
      return { status: 400, body: { errors: [{ message: 'body is not JSON' }] } };
    }
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method, headers: map, search: url.search, body: parsed },
      context: async () => ({}),
    });
    let text = '';
    if (result.body.kind === 'complete') text = result.body.string;
    else for await (const chunk of result.body.asyncIterator) text += chunk;
    return { status: result.status ?? 200, body: text, type: result.headers.get('content-type') ?? 'application/json' };
  });
  return {
    ...running,
    url: `${running.url}/graphql`,
    close: async () => {
      await running.close();
      await apollo.stop();
    },
  };
}

if (require.main === module) {
  const f = flags(process.argv.slice(2));
  runAlone(
    () =>
      startEquipmentService({
        port: f.port ? Number(f.port) : 4021,
        schemaFile: f.schema,
        identity: f.jwks ? { jwks: jwksOption(f.jwks), audience: f.audience ?? 'hyogo-itc/equipment' } : undefined,
      }),
    'equipment',
  );
}
