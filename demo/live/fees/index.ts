/**
 * The demo credit guarantee corporation's own fee calculator (兵庫県信用保証協会 保証料シミュレーター):
 * a plain REST service described by openapi.yaml (served at /openapi.yaml), which Madoguchi joins
 * to the graph through the OpenAPI bridge (agencies/hyogo-cgc.yaml, source `fees`), linking
 * `Program.guaranteeFee(amount:)` to its `getGuaranteeFee` operation. It is not part of Madoguchi
 * and imports nothing of it. Every call but the document needs the corporation's API key.
 *
 * Alone: `npx tsx demo/live/fees/index.ts [--key KEY] [--port N] [--spec FILE] [--jwks URL]` (`--key`: the
 * API key calls must carry, as HYOGO_CGC_FEES_KEY gives it to the agency file; none: calls are open).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IdentityCheckOptions } from '../identity';
import { flags, jwksOption, runAlone, serveLive, type RunningLiveService } from '../serve';

interface GuaranteeProgram {
  programId: string;
  name: string;
  minRatePercent: number;
  maxRatePercent: number;
}

const DATA = JSON.parse(readFileSync(join(__dirname, 'data.json'), 'utf8')) as { programs: GuaranteeProgram[] };
export const FEES_SPEC_FILE = join(__dirname, 'openapi.yaml');
const byId = new Map(DATA.programs.map((p) => [p.programId, p]));

/** Category 1 (highest risk) pays the programme's highest rate, 9 its lowest, in even steps. */
function ratePercent(p: GuaranteeProgram, category: number): number {
  const step = (p.maxRatePercent - p.minRatePercent) / 8;
  return Math.round((p.maxRatePercent - step * (category - 1)) * 1000) / 1000;
}

function intParam(url: URL, name: string, fallback: number | null, min: number, max: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') {
    if (fallback === null) throw new RangeError(`${name} is required`);
    return fallback;
  }
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new RangeError(`${name} must be an integer from ${min} to ${max}`);
  return n;
}

export interface FeeServiceOptions {
  port?: number;
  host?: string;
  /** The API key every call must carry in X-Api-Key (HYOGO_CGC_FEES_KEY); none: calls are open. */
  apiKey?: string;
  /** Another version of the document to serve. */
  specFile?: string;
  identity?: IdentityCheckOptions;
}

export function startFeeService(options: FeeServiceOptions = {}): Promise<RunningLiveService> {
  const spec = () => readFileSync(options.specFile ?? FEES_SPEC_FILE, 'utf8');
  return serveLive(options, ({ method, url, headers }) => {
    if (method !== 'GET') return { status: 405, body: { message: 'GET only' } };
    if (url.pathname === '/openapi.yaml') return { status: 200, body: spec(), type: 'application/yaml' };
    if (options.apiKey && headers['x-api-key'] !== options.apiKey)
      return { status: 401, body: { message: 'a valid X-Api-Key is required' } };
    if (url.pathname === '/v1/programs') return { status: 200, body: DATA.programs };
    const m = /^\/v1\/programs\/([^/]+)\/fee$/.exec(url.pathname);
    if (!m) return { status: 404, body: { message: 'not found' } };
    const program = byId.get(decodeURIComponent(m[1]));
    if (!program) return { status: 404, body: { message: 'not a programme of this corporation' } };
    try {
      const amount = intParam(url, 'amount', null, 1, 10_000_000_000);
      const months = intParam(url, 'months', 60, 1, 120);
      const category = intParam(url, 'category', 5, 1, 9);
      const rate = ratePercent(program, category);
      const feeYen = Math.round((amount * rate * months) / 12 / 100);
      return {
        status: 200,
        body: {
          programId: program.programId,
          amount,
          months,
          category,
          ratePercent: rate,
          feeYen,
          formula: `${amount}円 × ${rate}% × ${months}か月 ÷ 12（一括返済の場合）`,
        },
      };
    } catch (e) {
      return { status: 400, body: { message: (e as Error).message } };
    }
  });
}

if (require.main === module) {
  const f = flags(process.argv.slice(2));
  runAlone(
    () =>
      startFeeService({
        port: f.port ? Number(f.port) : 4022,
        apiKey: f.key,
        specFile: f.spec,
        identity: f.jwks ? { jwks: jwksOption(f.jwks), audience: f.audience ?? 'hyogo-cgc/fees' } : undefined,
      }),
    'fees',
  );
}
