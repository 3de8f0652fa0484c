// Decoder of the binary /api/points body ("HVPT", docs/api.md):
//   "HVPT" | u32 version | u32 H | H bytes of JSON header | buffers (8-aligned)
// Every buffer becomes a typed-array *view* over the response body: no copy
// and no per-point JavaScript object, whatever the number of points.

export type BufferType = 'f32' | 'u8' | 'u16' | 'u32';
export type Column = Float32Array | Uint8Array | Uint16Array | Uint32Array;

export interface BufferSpec {
  name: string;
  type: BufferType;
  offset: number;
  length: number;
  components?: number;
  decode?: string;
}

export interface FamilyEntry { family: number; root: string; size: number }

export interface PointsHeader {
  version: number;
  n: number;
  dims: number;
  bounds: { min: number[]; max: number[] };
  buffers: BufferSpec[];
  dictionaries: {
    library?: string[];
    pipeline?: string[];
    license?: string[];
    language?: string[];
    cluster?: string[];
    family?: FamilyEntry[];
    [k: string]: unknown;
  };
}

export interface Points {
  header: PointsHeader;
  n: number;
  dims: number;
  coords: Float32Array;
  columns: Record<string, Column>;
}

export class PointsFormatError extends Error {}

const MAGIC = 0x54505648; // "HVPT" read as little-endian u32
const SIZES: Record<BufferType, number> = { f32: 4, u8: 1, u16: 2, u32: 4 };

export function decodePoints(body: ArrayBuffer): Points {
  if (body.byteLength < 12) throw new PointsFormatError(`points body too short (${body.byteLength} bytes)`);
  const dv = new DataView(body);
  if (dv.getUint32(0, true) !== MAGIC) throw new PointsFormatError('points body does not start with "HVPT"');
  const version = dv.getUint32(4, true);
  if (version !== 1) throw new PointsFormatError(`unsupported points version ${version}`);
  const hlen = dv.getUint32(8, true);
  if (12 + hlen > body.byteLength) throw new PointsFormatError('points header runs past the body');
  const text = new TextDecoder().decode(new Uint8Array(body, 12, hlen));
  let header: PointsHeader;
  try {
    header = JSON.parse(text) as PointsHeader;
  } catch (e) {
    throw new PointsFormatError(`points header is not JSON: ${(e as Error).message}`);
  }
  const n = header.n;
  const columns: Record<string, Column> = {};
  for (const b of header.buffers) {
    const size = SIZES[b.type];
    if (!size) throw new PointsFormatError(`buffer ${b.name}: unknown type ${b.type}`);
    if (b.offset % size !== 0) throw new PointsFormatError(`buffer ${b.name}: offset ${b.offset} not aligned to ${size}`);
    if (b.offset + b.length > body.byteLength) throw new PointsFormatError(`buffer ${b.name} runs past the body`);
    const count = b.length / size;
    const want = n * (b.components ?? 1);
    if (count !== want) throw new PointsFormatError(`buffer ${b.name}: ${count} values, expected ${want}`);
    switch (b.type) {
      case 'f32': columns[b.name] = new Float32Array(body, b.offset, count); break;
      case 'u8': columns[b.name] = new Uint8Array(body, b.offset, count); break;
      case 'u16': columns[b.name] = new Uint16Array(body, b.offset, count); break;
      case 'u32': columns[b.name] = new Uint32Array(body, b.offset, count); break;
    }
  }
  const coords = columns.coords;
  if (!(coords instanceof Float32Array)) throw new PointsFormatError('points body has no coords buffer');
  return { header, n, dims: header.dims, coords, columns };
}

// Byte codes of downloads/likes/trending: round(log10(1 + v) * 25.5).
export const logCode = (v: number): number => Math.min(255, Math.round(Math.log10(1 + Math.max(0, v)) * 25.5));
export const logCodeValue = (code: number): number => Math.round(10 ** (code / 25.5) - 1);

// created: months since 1970-01, 1 = January 1970, 0 unknown.
export const monthCode = (year: number, month: number): number => (year - 1970) * 12 + month;
export const monthLabel = (code: number): string => {
  if (!code) return 'unknown';
  const y = 1970 + Math.floor((code - 1) / 12);
  const m = ((code - 1) % 12) + 1;
  return `${y}-${String(m).padStart(2, '0')}`;
};
export const parseMonth = (s: string): number => {
  const m = /^(\d{4})-(\d{2})/.exec(s);
  return m ? monthCode(Number(m[1]), Number(m[2])) : 0;
};
