// A small, safe markdown renderer for model cards: everything is escaped
// first; then headings, fenced code, lists, quotes, tables (as text), links,
// images (as links: nothing is fetched), emphasis and inline code.
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function inline(s: string): string {
  let t = esc(s);
  t = t.replace(/`([^`]+)`/g, '<code>$1</code>');
  t = t.replace(/!\[([^\]]*)\]\((https?:[^)\s]+)[^)]*\)/g, '<a href="$2" target="_blank" rel="noopener noreferrer">[image: $1]</a>');
  t = t.replace(/\[([^\]]+)\]\((https?:[^)\s]+)[^)]*\)/g, '<a href="$2" target="_blank" rel="noopener noreferrer">$1</a>');
  t = t.replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
  t = t.replace(/(^|[^*])\*([^*\s][^*]*)\*/g, '$1<em>$2</em>');
  return t;
}

export function renderMarkdown(src: string): string {
  let text = src.replace(/\r\n?/g, '\n');
  const fm = /^---\n[\s\S]*?\n---\n/.exec(text);
  let out = '';
  if (fm) { out += `<details class="front-matter"><summary>front matter</summary><pre>${esc(fm[0])}</pre></details>`; text = text.slice(fm[0].length); }
  const lines = text.split('\n');
  let i = 0;
  let para: string[] = [];
  const flush = () => { if (para.length) { out += `<p>${inline(para.join(' '))}</p>`; para = []; } };
  while (i < lines.length) {
    const l = lines[i];
    if (/^```/.test(l)) {
      flush();
      const code: string[] = [];
      i++;
      while (i < lines.length && !/^```/.test(lines[i])) code.push(lines[i++]);
      i++;
      out += `<pre><code>${esc(code.join('\n'))}</code></pre>`;
      continue;
    }
    const hm = /^(#{1,6})\s+(.*)$/.exec(l);
    if (hm) { flush(); const lv = Math.min(6, hm[1].length + 2); out += `<h${lv}>${inline(hm[2])}</h${lv}>`; i++; continue; }
    if (/^\s*([-*+]|\d+\.)\s+/.test(l)) {
      flush();
      const ordered = /^\s*\d+\./.test(l);
      out += ordered ? '<ol>' : '<ul>';
      while (i < lines.length && /^\s*([-*+]|\d+\.)\s+/.test(lines[i])) {
        out += `<li>${inline(lines[i].replace(/^\s*([-*+]|\d+\.)\s+/, ''))}</li>`;
        i++;
      }
      out += ordered ? '</ol>' : '</ul>';
      continue;
    }
    if (/^>\s?/.test(l)) { flush(); out += `<blockquote>${inline(l.replace(/^>\s?/, ''))}</blockquote>`; i++; continue; }
    if (/^\|.*\|\s*$/.test(l)) {
      flush();
      const rowsHtml: string[] = [];
      while (i < lines.length && /^\|.*\|\s*$/.test(lines[i])) {
        if (!/^\|[\s:|-]+\|\s*$/.test(lines[i])) {
          const cells = lines[i].trim().slice(1, -1).split('|').map((c) => `<td>${inline(c.trim())}</td>`).join('');
          rowsHtml.push(`<tr>${cells}</tr>`);
        }
        i++;
      }
      out += `<table>${rowsHtml.join('')}</table>`;
      continue;
    }
    if (/^\s*$/.test(l)) { flush(); i++; continue; }
    if (/^(---|\*\*\*)\s*$/.test(l)) { flush(); out += '<hr>'; i++; continue; }
    para.push(l.trim());
    i++;
  }
  flush();
  return out;
}
