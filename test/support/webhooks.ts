/** Queues messages to webhooks as a fan-out would (no programme change behind them), for tests that send them. */
import type { Store } from '../../store/store';
import * as webhooks from '../../store/webhooks';

export async function queueMessages(
  store: Store,
  messages: ReadonlyArray<{ id: string; webhookId: string; payload?: string }>,
): Promise<void> {
  const at = await webhooks.fanOutCursor(store);
  await webhooks.fanOut(
    store,
    at,
    at,
    messages.map((m) => ({ id: m.id, webhookId: m.webhookId, changeIds: [], payload: m.payload ?? '{}' })),
    new Date().toISOString(),
  );
}
