/** The committee page (成長企業発掘・育成委員会) at /committee. */
import { createRoot } from 'react-dom/client';
import '../shared/page.css';
import './committee.css';
import { App } from './App';

createRoot(document.getElementById('app')!).render(<App />);
