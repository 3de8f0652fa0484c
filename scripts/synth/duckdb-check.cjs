// duckdb-check.cjs - read hfviz synth output with DuckDB and check it.
//
// DuckDB is an independent Parquet and CSV reader, so a file it reads with
// the right row count, types and contents shows our writer speaks the
// format.  Given a CSV and a Parquet file made from the same seed, it also
// checks that both hold the same rows, column by column (a hash of every
// value rendered as text).
//
// Usage:
//   DUCKDB_DIR=/tmp/duck node scripts/synth/duckdb-check.cjs FILE.parquet [FILE.csv]
// DUCKDB_DIR is a folder where `npm install @duckdb/node-api` was run.
'use strict';
const path = require('node:path');
const { createRequire } = require('node:module');

const dir = process.env.DUCKDB_DIR || path.join(__dirname, '../../bench');
const req = createRequire(path.join(path.resolve(dir), 'package.json'));
const { DuckDBInstance } = req('@duckdb/node-api');

const COLS = ['model_id', 'likes', 'trendingScore', 'private', 'downloads', 'tags', 'pipeline_tag',
  'library_name', 'createdAt', 'regions', 'licenses', 'arxiv_papers', 'datasets', 'parent_model',
  'finetune_parent', 'quantized_parent', 'adapter_parent', 'merge_parent', 'languages', 'modelCard',
  'ratelimit_retries', 'exception_raised'];

function src(file) {
  const q = file.replace(/'/g, "''");
  return file.endsWith('.parquet') ? `read_parquet('${q}')`
    : `read_csv('${q}', header=true, quote='"', escape='"', max_line_size=100000000, sample_size=-1, types={'createdAt': 'VARCHAR'})`;
}

async function main() {
  const files = process.argv.slice(2);
  if (!files.length) {
    console.error('usage: node duckdb-check.cjs FILE.parquet [FILE.csv]');
    process.exit(64);
  }
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  let failed = false;
  const sums = [];
  for (const f of files) {
    const t0 = Date.now();
    const desc = (await con.runAndReadAll(`DESCRIBE SELECT * FROM ${src(f)}`)).getRowObjects();
    const names = desc.map((r) => r.column_name);
    if (JSON.stringify(names) !== JSON.stringify(COLS)) {
      console.error(`${f}: columns differ: ${names.join(',')}`);
      failed = true;
    }
    const stats = (await con.runAndReadAll(`SELECT count(*) AS rows,
        count(modelCard) AS cards, sum(length(modelCard)) AS card_chars,
        count(DISTINCT model_id) AS ids,
        sum(CASE WHEN finetune_parent <> '[]' THEN 1 ELSE 0 END) AS finetune_rows,
        sum(CASE WHEN merge_parent <> '[]' THEN 1 ELSE 0 END) AS merge_rows,
        sum(CASE WHEN licenses <> '[]' THEN 1 ELSE 0 END) AS licensed,
        sum(likes) AS likes, sum(downloads) AS downloads, min(createdAt) AS first, max(createdAt) AS last
      FROM ${src(f)}`)).getRowObjectsJson()[0];
    console.log(`${f}: ${JSON.stringify(stats)} (${Date.now() - t0} ms)`);
    console.log('  types: ' + desc.map((r) => `${r.column_name}:${r.column_type}`).join(' '));
    if (stats.ids !== stats.rows) {
      console.error(`${f}: model_id is not unique (${stats.ids} of ${stats.rows})`);
      failed = true;
    }
    // one hash per column over the text form of every value
    const exprs = COLS.map((c) => `sum(hash(coalesce(CAST("${c}" AS VARCHAR), '<null>')))::VARCHAR AS "${c}"`);
    sums.push((await con.runAndReadAll(`SELECT ${exprs.join(', ')} FROM ${src(f)}`)).getRowObjectsJson()[0]);
  }
  if (sums.length === 2) {
    const diff = COLS.filter((c) => sums[0][c] !== sums[1][c]);
    if (diff.length) {
      console.error(`contents differ in: ${diff.join(', ')}`);
      failed = true;
    } else {
      console.log('the two files hold the same values in all 22 columns');
    }
  }
  if (failed) process.exit(1);
  console.log('ok');
}
main().catch((err) => { console.error(err); process.exit(1); });
