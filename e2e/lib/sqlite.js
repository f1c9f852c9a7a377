'use strict';
/**
 * Reads n8n's sqlite database (`<user folder>/.n8n/database.sqlite`) with n8n's own `sqlite3`
 * module and, for execution data, its own `flatted`: a short script run by the Node of that n8n
 * install, from its folder, so the native module matches. Read-only; best after n8n stopped.
 */
const path = require('node:path');

const { runOk } = require('./proc');

/**
 * Runs each named SELECT and prints { name: rows }. Columns listed in `flatted` are parsed with
 * n8n's `flatted` (execution_data.data); BLOBs come back as { base64 }.
 */
const SCRIPT = `
const sqlite3 = require('sqlite3');
const { parse } = require('flatted');
const [file, queriesJson, flattedJson] = process.argv.slice(1);
const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY);
const all = (sql) => new Promise((resolve, reject) => db.all(sql, (e, rows) => (e ? reject(e) : resolve(rows))));
const flatted = JSON.parse(flattedJson);
(async () => {
	const out = {};
	for (const [name, sql] of Object.entries(JSON.parse(queriesJson))) {
		out[name] = (await all(sql)).map((row) => {
			for (const column of flatted) if (typeof row[column] === 'string') row[column] = parse(row[column]);
			return row;
		});
	}
	process.stdout.write(JSON.stringify(out, (key, value) =>
		value && value.type === 'Buffer' && Array.isArray(value.data) ? { base64: Buffer.from(value.data).toString('base64') } : value));
	db.close();
})().catch((e) => { process.stderr.write(String(e.stack || e)); process.exit(1); });`;

/** `queries`: { name: 'SELECT …' }. Returns { name: rows }. */
async function readSqlite(instance, queries, { flatted = [] } = {}) {
	const file = path.join(instance.userFolder, '.n8n', 'database.sqlite');
	const { install } = instance;
	const result = await runOk(
		install.nodeCmd,
		['-e', SCRIPT, file, JSON.stringify(queries), JSON.stringify(flatted)],
		{
			cwd: install.dir,
			env: install.env,
			label: `read ${file}`,
			timeoutMs: 60000,
		},
	);
	return JSON.parse(result.stdout);
}

/** The workflows' static data and the executions. */
async function readDatabase(instance) {
	const { workflows, executions } = await readSqlite(instance, {
		workflows: 'SELECT id, staticData FROM workflow_entity',
		executions:
			'SELECT id, workflowId, mode, status, startedAt, stoppedAt FROM execution_entity ORDER BY id',
	});
	const staticData = {};
	for (const w of workflows) {
		staticData[w.id] =
			typeof w.staticData === 'string' ? JSON.parse(w.staticData) : (w.staticData ?? null);
	}
	return { staticData, executions };
}

/**
 * One workflow's executions with their run data (`data`: n8n's parsed IRunExecutionData) and the
 * images binary data mode `database` keeps for them: Map `database:<fileId>` -> Buffer.
 */
async function readExecutionsWithBinaries(instance, workflowId) {
	const id = `'${String(workflowId).replace(/'/g, "''")}'`;
	const { executions, binaries } = await readSqlite(
		instance,
		{
			executions: `SELECT e.id, e.status, e.finished, e.mode, e.startedAt, e.stoppedAt, d.data
				FROM execution_entity e LEFT JOIN execution_data d ON d.executionId = e.id
				WHERE e.workflowId = ${id} ORDER BY e.id`,
			binaries: `SELECT b.fileId, b.sourceId, b.data FROM binary_data b
				JOIN execution_entity e ON b.sourceType = 'execution' AND b.sourceId = CAST(e.id AS TEXT)
				WHERE e.workflowId = ${id}`,
		},
		{ flatted: ['data'] },
	);
	const bytes = new Map(
		binaries.map((b) => [`database:${b.fileId}`, Buffer.from(b.data.base64, 'base64')]),
	);
	return { executions, binaries: bytes };
}

module.exports = { readDatabase, readExecutionsWithBinaries };
