/** The one-stop page (ワンストップ窓口): a firm's search over every agency's programmes. */
import { createRoot } from 'react-dom/client';
import '../shared/page.css';
import { App } from './App';
import { prefetch } from '../shared/useOperation';
import { FirmSearchDocument } from './operations';
import { readSearch, searchVariables } from './url';

// The search the URL asks for goes out before React renders the page.
if (window.location.pathname === '/') prefetch(FirmSearchDocument, searchVariables(readSearch(new URLSearchParams(window.location.search))));

createRoot(document.getElementById('app')!).render(<App />);
