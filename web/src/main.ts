import './style.css';
import { App } from './app';
import { h, clear } from './dom';

const app = new App();
app.start().catch((e) => {
  // Never a blank page: whatever failed is said on screen.
  console.error(e);
  const root = document.getElementById('app')!;
  root.append(h('div', { class: 'toast error fatal', role: 'alert' }, 'hfviz failed to start: ' + (e instanceof Error ? e.message : String(e))));
  if (!root.querySelector('header')) clear(root, h('div', { class: 'error big' }, 'hfviz failed to start: ' + String(e)));
  window.__hfviz.error = String(e);
});
