/** The analyst dashboard (相談統計ダッシュボード) at /analytics. */
import { createRoot } from 'react-dom/client';
import '../shared/page.css';
import './dashboard.css';
import { Dashboard } from './Dashboard';

createRoot(document.getElementById('app')!).render(<Dashboard />);
