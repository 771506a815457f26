// HTML building blocks of the page: escaping, the page shell (no script, no font or style fetched from
// elsewhere; a Content-Security-Policy that forbids both), links relative to the page.

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** An href for a key of the target, from a page `depth` folders below the root. */
export function hrefTo(key: string, depth: number): string {
  return `${'../'.repeat(depth)}${key.split('/').map(encodeURIComponent).join('/')}`;
}

/** JSON inside <script type="application/ld+json">: data, never run; `<` escaped so it cannot close the tag. */
export function jsonLdBlock(value: unknown): string {
  return `<script type="application/ld+json">${JSON.stringify(value, null, 2).replace(/</g, '\\u003c')}</script>`;
}

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:72rem;margin:0 auto;padding:1rem 1.5rem 3rem;color:#1b1b1b;line-height:1.5}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.88rem}th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85rem}
pre{background:#f5f5f5;padding:.6rem .8rem;overflow-x:auto;border-radius:4px}td code{word-break:break-all}
blockquote{border-left:4px solid #4c78a8;margin:.6rem 0;padding:.3rem .9rem;background:#f3f7fb}
figure{margin:1.4rem 0}figure svg{max-width:100%;height:auto}figcaption{font-size:.9rem;color:#333}
details{margin:.3rem 0 1rem}summary{cursor:pointer;color:#1f5a96}nav a{margin-right:1rem}.muted{color:#555;font-size:.9rem}
.scroll{max-height:24rem;overflow:auto}`;

export interface Shell {
  title: string;
  description: string;
  depth: number;
  body: string;
  jsonLd: unknown;
}

export function pageShell(shell: Shell): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:">
<title>${escapeHtml(shell.title)}</title>
<meta name="description" content="${escapeHtml(shell.description)}">
<style>${STYLE}</style>
${jsonLdBlock(shell.jsonLd)}
</head>
<body>
${shell.body}
</body>
</html>
`;
}
