/**
 * What analysts' statistics share across subgraphs (consultationStats, growthCounts,
 * growthSummary): one disclosure budget per analyst, charged by the cells each new table reveals
 * and kept in the store (../../store/analystBudget.ts), and a gate that lets each analyst run only
 * so many statistics at once, so that one analyst's tables queue behind each other instead of
 * filling the store's thread that public requests share.
 */
import { GraphQLError } from 'graphql';
import { storeAnalystBudget, type AnalystBudget } from '../../store/analystBudget';
import type { Queryable, Store } from '../../store/store';
import type { Viewer } from '../../server/identity';
import { defaultSettings, SETTINGS, type Settings } from '../../server/settings';

/** Cells one analyst may be shown in a sliding window, by default (MADOGUCHI_ANALYST_CELLS_PER_DAY). */
export const DEFAULT_ANALYST_CELLS_PER_DAY = Number(SETTINGS.analystCellsPerDay.default);
/** Statistics one analyst may have computing at once in one process; more wait their turn. */
export const ANALYST_CONCURRENCY = 2;
/** Statistics one analyst may have waiting at once; more are refused (RATE_LIMITED). */
export const ANALYST_QUEUE = 64;
/**
 * Statistics computing at once in one process, all analysts together: one, so that a public
 * request reaching the store waits behind one statistics query at most, never behind a queue
 * of them (the embedded store runs one query at a time on the thread the subgraphs share).
 */
export const STATISTICS_CONCURRENCY = 1;
/**
 * How long a statistics computation may wait for its turn: past it the field fails with
 * RATE_LIMITED (a coded answer, long before the gateway's subgraph timeout, so a queue of
 * analysts' work never counts against the subgraph's health for everyone).
 */
export const STATISTICS_MAX_WAIT_MS = 4_000;

export interface AnalystBudgetSettings {
  limit: number;
  windowMs: number;
}

export function analystBudgetSettingsOf(
  s: Pick<Settings, 'analystCellsPerDay' | 'analystBudgetWindowHours'>,
): AnalystBudgetSettings {
  return { limit: s.analystCellsPerDay, windowMs: s.analystBudgetWindowHours * 3_600_000 };
}

let defaults: AnalystBudgetSettings | undefined;
/** The schema's defaults, for contexts made without settings (tests, benches). */
export function defaultAnalystBudgetSettings(): AnalystBudgetSettings {
  defaults ??= analystBudgetSettingsOf(defaultSettings());
  return defaults;
}

const budgets = new WeakMap<object, AnalystBudget>();

/** The budget of a store, made on first use with the process's settings. */
export function analystBudgetFor(store: Queryable, settings: AnalystBudgetSettings): AnalystBudget {
  let budget = budgets.get(store);
  if (!budget) {
    if (!('transaction' in store))
      throw new GraphQLError('statistics need a store that can keep the analysts’ budget', {
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      });
    budget = storeAnalystBudget(store as Store, settings);
    budgets.set(store, budget);
  }
  return budget;
}

/**
 * Charges an analyst for a table revealing `cells` cells; throws RATE_LIMITED when the window's
 * budget would be passed. `table` names the statistic, its grouping and its filter.
 */
export async function chargeAnalyst(
  { store, viewer, analystBudget }: { store: Queryable; viewer: Viewer; analystBudget: AnalystBudgetSettings },
  table: string,
  cells: number,
): Promise<void> {
  const budget = analystBudgetFor(store, analystBudget);
  const decision = await budget.charge(viewer.subject ?? 'analyst', table, Math.max(1, cells));
  if (decision.granted) return;
  const hours = Math.round(budget.windowMs / 3_600_000);
  throw new GraphQLError(
    `this table would reveal ${cells} more cells: this analyst has been shown ${decision.spent} of the ${budget.limit} cells allowed in ${hours} hours, the bound that keeps perturbed statistics safe; tables already asked may be asked again`,
    { extensions: { code: 'RATE_LIMITED', cells, spent: decision.spent, limit: budget.limit } },
  );
}

/** Waits its turn among at most `limit` holders at once, first come first served. */
class Turns {
  private held = 0;
  private readonly line: Array<() => void> = [];

  constructor(readonly limit: number) {}

  /** Resolves true with a turn, false when none came within `maxWaitMs`. */
  async take(maxWaitMs: number): Promise<boolean> {
    if (this.held < this.limit) {
      this.held += 1;
      return true;
    }
    return new Promise<boolean>((resolve) => {
      const turn = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        const i = this.line.indexOf(turn);
        if (i >= 0) this.line.splice(i, 1);
        resolve(false);
      }, maxWaitMs);
      this.line.push(turn);
    });
  }

  give(): void {
    const next = this.line.shift();
    // The next one starts after the event loop has taken in what arrived meanwhile (a public
    // request's store query goes first), not straight after this one.
    if (next) setImmediate(next);
    else this.held -= 1;
  }
}

/**
 * At most `concurrency` statistics per analyst at once in this process, `queue` more waiting, and
 * at most `total` statistics of all analysts computing at once.
 */
export class AnalystGate {
  private readonly running = new Map<string, number>();
  private readonly waiting = new Map<string, Array<() => void>>();
  private readonly turns: Turns;

  constructor(
    readonly concurrency = ANALYST_CONCURRENCY,
    readonly queue = ANALYST_QUEUE,
    total = STATISTICS_CONCURRENCY,
    readonly maxWaitMs = STATISTICS_MAX_WAIT_MS,
  ) {
    this.turns = new Turns(total);
  }

  async run<T>(subject: string, work: () => Promise<T>): Promise<T> {
    return this.ofAnalyst(subject, async () => {
      if (!(await this.turns.take(this.maxWaitMs)))
        throw new GraphQLError(
          `statistics are busy: this one waited ${this.maxWaitMs} ms for its turn; ask again shortly or for fewer tables at once`,
          { extensions: { code: 'RATE_LIMITED' } },
        );
      try {
        return await work();
      } finally {
        this.turns.give();
      }
    });
  }

  private async ofAnalyst<T>(subject: string, work: () => Promise<T>): Promise<T> {
    if ((this.running.get(subject) ?? 0) >= this.concurrency) {
      const line = this.waiting.get(subject) ?? [];
      if (line.length >= this.queue)
        throw new GraphQLError(
          `this analyst has ${this.concurrency + line.length} statistics in progress; wait for them to finish`,
          { extensions: { code: 'RATE_LIMITED' } },
        );
      this.waiting.set(subject, line);
      await new Promise<void>((resolve) => line.push(resolve));
    } else this.running.set(subject, (this.running.get(subject) ?? 0) + 1);
    try {
      return await work();
    } finally {
      const next = this.waiting.get(subject)?.shift();
      if (next) next();
      else {
        const n = (this.running.get(subject) ?? 1) - 1;
        if (n > 0) this.running.set(subject, n);
        else this.running.delete(subject);
      }
      if (this.waiting.get(subject)?.length === 0) this.waiting.delete(subject);
    }
  }
}

/** One gate per process: every subgraph served here shares it. */
export const analystGate = new AnalystGate();
