// Saving a file from the page: a Blob URL behind a temporary link, so nothing is sent anywhere.

/** Offers the text (CSV unless a Blob says otherwise) as a file download, without leaving the page. */
export function download(filename: string, content: string | Blob): void {
  const blob = typeof content === 'string' ? new Blob([content], { type: 'text/csv;charset=utf-8' }) : content;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
