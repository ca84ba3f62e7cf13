/**
 * The hard budget of one request at execution: objects produced, bytes received from subgraphs,
 * and time. An estimate can be wrong (data larger than the sizes assumed, a limit raised too far);
 * the budget is not: the first step past it fails the request with a coded error, aborts what is
 * still in flight for it, and every later step fails at once, so the work stops instead of
 * running to the end.
 *
 * Subgraphs count what their resolvers return (`budgetResolvers`: each object and each list item
 * of a composite field); the gateway counts the objects and bytes of every subgraph answer.
 */
import {
  GraphQLError,
  defaultFieldResolver,
  getNamedType,
  isCompositeType,
  isObjectType,
  type GraphQLSchema,
} from 'graphql';

export interface BudgetLimits {
  /** Objects one request may produce. */
  maxObjects: number;
  /** Bytes one request may receive from subgraphs (the gateway's count; 0: unbounded). */
  maxBytes?: number;
}

export class ExecutionBudget {
  objects = 0;
  bytes = 0;
  /** The error that ended the request, once it has. */
  exceeded?: GraphQLError;
  private readonly controller = new AbortController();
  /** Aborted when the budget ran out or the request's own signal fired. */
  readonly signal: AbortSignal;

  constructor(
    readonly limits: BudgetLimits,
    /** The request's signal: its timeout, or its client going away. */
    outer: AbortSignal,
    /** Epoch ms after which nothing more may start. */
    readonly deadline: number,
  ) {
    // The outer signal is this request's own and lives no longer than it: a listener forwards it
    // (AbortSignal.any would keep weak references and a finalizer per request for the GC to clear).
    this.signal = this.controller.signal;
    if (outer.aborted) this.controller.abort(outer.reason);
    else outer.addEventListener('abort', () => this.controller.abort(outer.reason), { once: true });
  }

  /** Throws once the request is out of budget, out of time or abandoned. */
  check(): void {
    if (this.exceeded) throw this.exceeded;
    if (this.signal.aborted || Date.now() > this.deadline)
      throw this.fail('REQUEST_TIMEOUT', 'the request ran out of time; its remaining work was stopped');
  }

  addObjects(n: number): void {
    if (this.exceeded) throw this.exceeded;
    this.objects += n;
    if (this.objects > this.limits.maxObjects)
      throw this.fail(
        'BUDGET_EXCEEDED',
        `the answer would hold more than ${this.limits.maxObjects} objects: ask for less (smaller pages, fewer nested lists)`,
      );
  }

  addBytes(n: number): void {
    this.bytes += n;
    if (this.limits.maxBytes && this.bytes > this.limits.maxBytes)
      throw this.fail('BUDGET_EXCEEDED', `the answer would exceed ${this.limits.maxBytes} bytes: ask for less`);
  }

  /** Ends the request with `code` (the first failure wins) and aborts its work in flight. */
  fail(code: 'BUDGET_EXCEEDED' | 'REQUEST_TIMEOUT', message: string): GraphQLError {
    // With a path already, graphql-js passes this one error on as it is from every field that
    // throws it, instead of wrapping a new error (and capturing a stack) per field: after the
    // budget runs out, each remaining field costs a check and a throw, nothing more.
    this.exceeded ??= new GraphQLError(message, {
      path: [],
      extensions: { code, http: { status: code === 'REQUEST_TIMEOUT' ? 504 : 400 } },
    });
    this.controller.abort(this.exceeded);
    return this.exceeded;
  }
}

/** Objects and list items in a parsed JSON answer, counted without recursion; stops past `limit`. */
export function countObjects(value: unknown, limit = Infinity): number {
  let count = 0;
  const stack: unknown[] = [value];
  while (stack.length && count <= limit) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    if (Array.isArray(v)) {
      for (const x of v) if (typeof x === 'object' && x !== null) stack.push(x);
    } else {
      count += 1;
      for (const x of Object.values(v)) if (typeof x === 'object' && x !== null) stack.push(x);
    }
  }
  return count;
}

// A symbol-keyed own property: Apollo Server hands resolvers a shallow copy of the context, which
// keeps it (a WeakMap keyed by the original object would not).
const BUDGET = Symbol('madoguchi.executionBudget');

/** Attaches a budget to a request's context object, for the wrapped resolvers to find. */
export function attachBudget<C extends object>(context: C, budget: ExecutionBudget): C {
  Object.defineProperty(context, BUDGET, { value: budget, enumerable: true });
  return context;
}

export function budgetOf(context: unknown): ExecutionBudget | undefined {
  return typeof context === 'object' && context !== null
    ? (context as Record<symbol, ExecutionBudget | undefined>)[BUDGET]
    : undefined;
}

function counted(budget: ExecutionBudget, value: unknown): unknown {
  budget.addObjects(Array.isArray(value) ? value.length : value === null || value === undefined ? 0 : 1);
  return value;
}

/**
 * Wraps the resolver of every field returning objects (or lists of them) so each call checks the
 * request's budget first and counts what it returned. Leaf fields are left alone: their number is
 * bounded by the objects above them and the size of the query.
 */
export function budgetResolvers(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (!isCompositeType(getNamedType(field.type))) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, context, info) => {
        const budget = budgetOf(context);
        if (!budget) return resolve(source, args, context, info);
        budget.check();
        const result = resolve(source, args, context, info);
        if (result && typeof (result as PromiseLike<unknown>).then === 'function')
          return (result as Promise<unknown>).then((v) => counted(budget, v));
        return counted(budget, result);
      };
    }
  }
  return schema;
}
