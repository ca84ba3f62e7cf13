/** The one-stop page (ワンストップ窓口): a firm's search over every agency's programmes. */
import { createRoot } from 'react-dom/client';
import '../shared/page.css';
import { App } from './App';

createRoot(document.getElementById('app')!).render(<App />);
