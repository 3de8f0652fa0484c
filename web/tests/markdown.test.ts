import { describe, it, expect } from 'vitest';
import { renderMarkdown } from '../src/markdown';

describe('model card markdown', () => {
  it('escapes HTML: a card cannot inject markup or script', () => {
    const html = renderMarkdown('<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;');
  });
  it('links only http(s) URLs, and never breaks out of the attribute', () => {
    const html = renderMarkdown('[a](javascript:alert(1)) [b](https://x.org/"onmouseover="alert(1)) [c](https://huggingface.co/gpt2)');
    expect(html).not.toContain('href="javascript');
    expect(html).not.toMatch(/href="[^"]*"onmouseover/);
    expect(html).toContain('<a href="https://huggingface.co/gpt2" target="_blank" rel="noopener noreferrer">c</a>');
  });
  it('renders headings, lists, code, tables and front matter', () => {
    const html = renderMarkdown('---\nlicense: mit\n---\n# Title\n\n- one\n- **two**\n\n```\nx < 1\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n');
    expect(html).toContain('front matter');
    expect(html).toContain('<h3>Title</h3>');
    expect(html).toContain('<li><strong>two</strong></li>');
    expect(html).toContain('<pre><code>x &lt; 1</code></pre>');
    expect(html).toContain('<td>1</td><td>2</td>');
  });
});
