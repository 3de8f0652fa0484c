// Calls to the hfviz API (docs/api.md).  Errors carry the server's
// {"error", "detail"} so the UI can show what went wrong.

export class ApiError extends Error {
  constructor(public status: number, public title: string, public detail: string) {
    super(`${title}${detail ? ': ' + detail : ''}`);
  }
}

export interface Brief {
  id: string; row: number; author: string | null; library: string | null; pipeline: string | null;
  downloads: number | null; likes: number | null; trending: number | null; created_at: string | null;
  depth: number; cluster: number; family_root: string;
}
export interface FamilyNode extends Brief { generation: number }
export interface Edge { parent: string; child: string; type: string }

export interface ModelDetails {
  id: string; row: number; hub_url: string; author: string | null; library: string | null; pipeline: string | null;
  downloads: number | null; likes: number | null; trending: number | null; private: boolean | null;
  created_at: string | null; tags: string[]; licenses: string[]; languages: string[]; datasets: string[];
  regions: string[]; arxiv: { id: string; url: string }[];
  card: { has_card: boolean; chars: number; words: number; auto_generated: boolean; front_matter: boolean; text_available: boolean };
  parents: Record<string, { id: string; in_map: boolean }[]>;
  children: Record<string, number>;
  depth: number; root: string;
  family: { id: number; root: string; size: number; relations: string[] | string };
  cluster: { id: number; label: string };
  coords2d: number[] | null; coords3d: number[] | null;
}

async function fail(r: Response): Promise<never> {
  let title = `${r.status} ${r.statusText}`, detail = '';
  try {
    const j = await r.json();
    title = j.error ?? title;
    detail = j.detail ?? '';
  } catch { /* not JSON */ }
  throw new ApiError(r.status, title, detail);
}

export async function getJSON<T>(path: string, signal?: AbortSignal): Promise<T> {
  let r: Response;
  try {
    r = await fetch(path, { signal, headers: { Accept: 'application/json' } });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'network error', `could not reach the server (${(e as Error).message})`);
  }
  if (!r.ok) await fail(r);
  return r.json() as Promise<T>;
}

/** GET answers kept per path while a view changes its switches; a failed
 *  request is forgotten, so it is asked again. */
export class JsonCache {
  private m = new Map<string, Promise<unknown>>();
  get<T>(path: string): Promise<T> {
    let p = this.m.get(path);
    if (!p) {
      p = getJSON<T>(path);
      this.m.set(path, p);
      p.catch(() => this.m.delete(path));
    }
    return p as Promise<T>;
  }
  clear() { this.m.clear(); }
}

export async function getBinary(path: string, signal?: AbortSignal, progress?: (bytes: number) => void): Promise<ArrayBuffer> {
  let r: Response;
  try {
    r = await fetch(path, { signal });
  } catch (e) {
    throw new ApiError(0, 'network error', `could not reach the server (${(e as Error).message})`);
  }
  if (!r.ok) await fail(r);
  if (!progress || !r.body) return r.arrayBuffer();
  // Read in chunks to report progress, then join them once.
  const reader = r.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.length;
    progress(total);
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) { out.set(c, o); o += c.length; }
  return out.buffer;
}

export async function postForBlob(path: string, body: unknown): Promise<Blob> {
  const r = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (!r.ok) await fail(r);
  return r.blob();
}

export const enc = (id: string) => id.split('/').map(encodeURIComponent).join('/');

// Brief rows for tooltips and selections, cached; at most 1,000 per call.
const rowCache = new Map<number, Brief>();
export async function rows(list: number[]): Promise<Brief[]> {
  const missing = [...new Set(list.filter((i) => !rowCache.has(i)))];
  for (let k = 0; k < missing.length; k += 1000) {
    const chunk = missing.slice(k, k + 1000);
    const j = await getJSON<{ models: Brief[] }>(`/api/rows?i=${chunk.join(',')}`);
    j.models.forEach((m, t) => rowCache.set(m.row ?? chunk[t], m));
  }
  return list.map((i) => rowCache.get(i)!).filter(Boolean);
}
export const cachedRow = (i: number) => rowCache.get(i);

export const fmt = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : v.toLocaleString('en-US'));
export const fmtShort = (v: number | null | undefined): string => {
  if (v === null || v === undefined) return '—';
  const a = Math.abs(v);
  if (a >= 1e9) return (v / 1e9).toFixed(1).replace(/\.0$/, '') + 'B';
  if (a >= 1e6) return (v / 1e6).toFixed(1).replace(/\.0$/, '') + 'M';
  if (a >= 1e4) return (v / 1e3).toFixed(0) + 'k';
  if (a >= 1e3) return (v / 1e3).toFixed(1).replace(/\.0$/, '') + 'k';
  return String(v);
};
