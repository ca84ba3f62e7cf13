// esbuild bundles the CSS a page imports into its own stylesheet.
declare module '*.css';
