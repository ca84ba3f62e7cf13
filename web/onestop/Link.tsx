/** An ordinary link (it opens in a new tab, copies, shares) that moves within the page when clicked. */
import type { ReactNode } from 'react';

export function Link({
  href,
  navigate,
  children,
}: {
  href: string;
  navigate: (url: string) => void;
  children: ReactNode;
}) {
  return (
    <a
      href={href}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </a>
  );
}
