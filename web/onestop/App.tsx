/**
 * Routes of the one-stop page by its URL (no router library: two views): `/` searches, `/program`
 * shows one programme. Links push history entries; the back button re-reads the URL.
 */
import { useCallback, useEffect, useState } from 'react';
import { SearchPage } from './SearchPage';
import { ProgramPage } from './ProgramPage';
import { readSearch } from './url';

function currentLocation() {
  return { path: window.location.pathname, params: new URLSearchParams(window.location.search) };
}

export function App() {
  const [location, setLocation] = useState(currentLocation);
  useEffect(() => {
    const onPop = () => setLocation(currentLocation());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const navigate = useCallback((url: string) => {
    if (url === window.location.pathname + window.location.search) return;
    window.history.pushState(null, '', url);
    setLocation(currentLocation());
    window.scrollTo(0, 0);
  }, []);
  const search = readSearch(location.params);
  const programId = location.path === '/program' ? location.params.get('id') : null;
  return (
    <>
      <a className="skip" href="#content">
        本文へ移動
      </a>
      <header className="site">
        <a className="brand" href="/" onClick={(e) => (e.preventDefault(), navigate('/'))}>
          窓口 Madoguchi
        </a>
        <span>支援機関の施策をまとめて探す</span>
      </header>
      <main id="content" tabIndex={-1}>
        {programId ? (
          <ProgramPage id={programId} from={search} navigate={navigate} />
        ) : (
          <SearchPage state={search} navigate={navigate} />
        )}
      </main>
    </>
  );
}
