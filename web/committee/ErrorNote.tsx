/** A request's error in words a coordinator or staff member can act on, with a retry where one helps. */
import type { RequestError } from '../shared/graphql';

const MESSAGES: Record<string, string> = {
  UNAUTHENTICATED: 'トークンが無効か、期限が切れています。サインアウトして新しいトークンを貼り付けてください。',
  FORBIDDEN: 'この操作はあなたの役割では許可されていません。',
  CONFLICT: 'すでに別の判定が記録されています。',
  NETWORK: 'サーバーに接続できませんでした。',
};

export function ErrorNote({ error, onRetry }: { error: RequestError; onRetry?: () => void }) {
  return (
    <div className="error" role="alert" data-code={error.code}>
      <p>
        {MESSAGES[error.code] ?? 'うまくいきませんでした。'}（{error.message}）
      </p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          もう一度試す
        </button>
      )}
    </div>
  );
}
