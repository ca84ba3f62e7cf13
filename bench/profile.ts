/**
 * Where a gateway's time goes, per stage, from a V8 CPU profile (`node --cpu-prof`): each sample
 * is charged to the innermost frame of its stack that belongs to a known stage — parse and
 * validate, plan, fetch (the subgraph client and its HTTP), merge (the query plan's execution,
 * merging the subgraphs' answers), shape (the gateway's post-processing of the merged answer into
 * the operation's shape), serialise, the HTTP front and request pipeline — and builtins such as
 * JSON.parse to the stage that called them. `bench:gateway` prints this for each Madoguchi contender it profiled
 * (BENCH_PROFILE=1); `npx tsx bench/profile.ts FILE…` prints it for any profile.
 */
import { readFileSync } from 'node:fs';
import { markdownTable } from './report';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export const STAGES = [
  'parse/validate',
  'plan',
  'fetch',
  'merge',
  'shape',
  'serialise',
  'HTTP',
  'GC',
  'other',
  'idle',
] as const;
export type Stage = (typeof STAGES)[number];

/**
 * The stage a frame belongs to, or null when it says nothing by itself (a builtin, a library of
 * helpers such as federation-internals or the tracing API, whose callers decide).
 */
function stageOf(frame: ProfileNode['callFrame']): Stage | null {
  const { url, functionName: fn } = frame;
  if (fn === '(garbage collector)') return 'GC';
  if (fn === '(idle)') return 'idle';
  if (fn === '(program)') return 'other';
  if ((fn === 'stringify' && !url) || fn === 'prettyJSONStringify') return 'serialise';
  if (!url) return null;
  if (/federation-internals|@opentelemetry/.test(url)) return null;
  if (/graphql\/(language|validation)\/|graphql-armor|\/plugins\/limits|@graphql-tools\/documents/.test(url))
    return 'parse/validate';
  if (/@apollo\/query-planner|@apollo\/query-graphs/.test(url)) return 'plan';
  if (/undici|gateway\/subgraph\/|RemoteGraphQLDataSource|datasources|dataloader/.test(url)) return 'fetch';
  if (/gateway\/dist\/resultShaping/.test(url)) return 'shape';
  if (/gateway\/dist\/(executeQueryPlan|dataRewrites|utilities\/deepMerge)|graphql\/execution\//.test(url))
    return 'merge';
  if (/node:(_http|http|net|stream|internal\/(http|streams|stream_base))|server\/http\.ts|@apollo\/server/.test(url))
    return 'HTTP';
  return null;
}

/** Milliseconds per stage in one profile. */
export function stagesOf(file: string): Record<Stage, number> {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const memo = new Map<number, Stage>();
  const resolve = (id: number): Stage => {
    const known = memo.get(id);
    if (known) return known;
    let stage: Stage | null = null;
    for (let at: number | undefined = id; at !== undefined && !stage; at = parent.get(at))
      stage = stageOf(byId.get(at)!.callFrame);
    memo.set(id, stage ?? 'other');
    return stage ?? 'other';
  };
  const out = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;
  for (let i = 0; i < profile.samples.length; i++) out[resolve(profile.samples[i])] += profile.timeDeltas[i] / 1000;
  return out;
}

/** A table of stages: ms and share of the busy (not idle) time, per labelled profile. */
export function stageTable(profiles: Array<{ label: string; file: string; requests?: number }>): string {
  const measured = profiles.map((p) => ({ ...p, stages: stagesOf(p.file) }));
  const rows = STAGES.map((stage) => [
    stage,
    ...measured.flatMap((m) => {
      const busy = STAGES.filter((s) => s !== 'idle').reduce((n, s) => n + m.stages[s], 0);
      const perRequest = m.requests ? `${((m.stages[stage] / m.requests) * 1000).toFixed(0)} µs/req` : '';
      return [
        `${m.stages[stage].toFixed(0)} ms`,
        stage === 'idle' ? '' : `${((m.stages[stage] / busy) * 100).toFixed(1)} %`,
        perRequest,
      ];
    }),
  ]);
  return markdownTable(['stage', ...measured.flatMap((m) => [m.label, 'share of busy', 'per request'])], rows, 'left');
}

if (require.main === module) {
  const files = process.argv.slice(2);
  if (!files.length) {
    console.error('usage: npx tsx bench/profile.ts PROFILE.cpuprofile…');
    process.exit(2);
  }
  console.log(stageTable(files.map((file) => ({ label: file.split('/').pop()!, file }))));
}
