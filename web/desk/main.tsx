/** The consultants' desk (相談窓口デスク) at /desk. */
import { createRoot } from 'react-dom/client';
import '../shared/page.css';
import './desk.css';
import { Desk } from './Desk';

createRoot(document.getElementById('app')!).render(<Desk />);
