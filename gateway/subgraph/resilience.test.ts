import { CircuitBreaker, type CircuitState } from './circuitBreaker';
import { parseSettings } from '../../server/settings';
import { DEFAULT_SUBGRAPH_CLIENT_OPTIONS, subgraphClientOptionsOf } from './client';

const optionsOf = (env: Record<string, string>) => subgraphClientOptionsOf(parseSettings(env, { envFile: false }));
import { RetryBudget } from './retryBudget';

describe('CircuitBreaker', () => {
  test('opens after consecutive failures, fails fast, lets one probe through, closes on its success', () => {
    let now = 0;
    const states: CircuitState[] = [];
    const breaker = new CircuitBreaker({
      failureThreshold: 3,
      openMs: 1_000,
      clock: () => now,
      onStateChange: (s) => states.push(s),
    });
    breaker.failure();
    breaker.failure();
    breaker.success();
    breaker.failure();
    breaker.failure();
    expect(breaker.state).toBe('closed');
    breaker.failure();
    expect(breaker.state).toBe('open');
    expect(breaker.acquire()).toBe('reject');
    expect(breaker.retryInMs).toBe(1_000);
    now = 1_000;
    expect(breaker.acquire()).toBe('probe');
    expect(breaker.state).toBe('half-open');
    expect(breaker.acquire()).toBe('reject');
    breaker.success(true);
    expect(breaker.state).toBe('closed');
    expect(breaker.acquire()).toBe('pass');
    expect(states).toEqual(['open', 'half-open', 'closed']);
  });

  test('a failed probe opens it again for another period', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 1, openMs: 500, clock: () => now });
    breaker.failure();
    now = 600;
    expect(breaker.acquire()).toBe('probe');
    breaker.failure(true);
    expect(breaker.state).toBe('open');
    now = 1_000;
    expect(breaker.acquire()).toBe('reject');
    now = 1_100;
    expect(breaker.acquire()).toBe('probe');
  });
});

describe('RetryBudget', () => {
  test('allows a floor of retries, then about 10% of requests', () => {
    let now = 0;
    const budget = new RetryBudget({ ratio: 0.1, minPerWindow: 2, windowMs: 10_000, clock: () => now });
    expect(budget.tryRetry()).toBe(true);
    expect(budget.tryRetry()).toBe(true);
    expect(budget.tryRetry()).toBe(false);
    for (let i = 0; i < 100; i++) budget.request();
    let granted = 0;
    while (budget.tryRetry()) granted++;
    expect(granted).toBe(10);
    // The window slides: ten seconds later the old requests and retries no longer count.
    now = 11_000;
    expect(budget.tryRetry()).toBe(true);
    expect(budget.tryRetry()).toBe(true);
    expect(budget.tryRetry()).toBe(false);
  });
});

describe('subgraph client settings', () => {
  test('deduplication is on unless turned off; retries, breaker and timeout come from the environment', () => {
    expect(optionsOf({})).toEqual(DEFAULT_SUBGRAPH_CLIENT_OPTIONS);
    expect(
      optionsOf({
        MADOGUCHI_SUBGRAPH_DEDUP: 'false',
        MADOGUCHI_SUBGRAPH_RETRIES: '0',
        MADOGUCHI_BREAKER_OPEN_MS: '250',
      }),
    ).toMatchObject({
      dedup: false,
      retries: 0,
      breakerOpenMs: 250,
    });
    expect(() => optionsOf({ MADOGUCHI_SUBGRAPH_TIMEOUT_MS: 'soon' })).toThrow(/MADOGUCHI_SUBGRAPH_TIMEOUT_MS/);
  });
});
