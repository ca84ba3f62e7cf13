/** The one-stop page (ワンストップ窓口): a firm's search over every agency's programmes. */
import { createRoot } from 'react-dom/client';
import '../shared/page.css';
import { App } from './App';
import { prefetch } from '../shared/useOperation';
import { FirmSearchDocument } from './operations';
import { readSearch, searchVariables } from './url';

// The search the URL asks for goes out before the page renders; the first render waits for its
// answer a little (at most FIRST_ANSWER_WAIT_MS), so the page and its results paint together
// rather than the form first and the results a render or two later.
const FIRST_ANSWER_WAIT_MS = 250;
const render = () => createRoot(document.getElementById('app')!).render(<App />);
if (window.location.pathname === '/') {
  const answered = prefetch(
    FirmSearchDocument,
    searchVariables(readSearch(new URLSearchParams(window.location.search))),
  );
  // prefetch settles either way (its errors are the component's to show): render follows.
  void Promise.race([answered, new Promise((r) => setTimeout(r, FIRST_ANSWER_WAIT_MS))]).then(render);
} else {
  render();
}
