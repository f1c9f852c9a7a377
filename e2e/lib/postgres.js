'use strict';
/**
 * A throw-away PostgreSQL for n8n (DB_TYPE=postgresdb): Debian's `postgresql` package (installed
 * when missing), the newest /usr/lib/postgresql/<version>/bin, a new cluster in a temporary folder,
 * listening on a free 127.0.0.1 port only, with a random password. initdb and postgres refuse to
 * run as root, so as root they run as the `postgres` system user (runuser, which stays in the
 * process group proc.js kills at exit), in a folder chowned to it. stop() shuts the server down
 * and removes the folder; a run that dies first still removes it (the exit hook below runs after
 * proc.js has killed the server).
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');

const { ensurePackages } = require('./debian');
const { freePort, run, runOk, startDaemon } = require('./proc');

const PG_ROOT = '/usr/lib/postgresql';
const USER = 'n8n';
const DATABASE = 'n8n';

/** The bin folder of the newest PostgreSQL installed (Debian keeps one folder per major version). */
function binDir() {
	const versions = fs.existsSync(PG_ROOT)
		? fs
				.readdirSync(PG_ROOT)
				.filter((v) => fs.existsSync(path.join(PG_ROOT, v, 'bin', 'postgres')))
				.sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a))
		: [];
	if (versions.length === 0) throw new Error(`no PostgreSQL under ${PG_ROOT}/<version>/bin`);
	return path.join(PG_ROOT, versions[0], 'bin');
}

async function idOf(flag) {
	const result = await runOk('id', [flag, 'postgres'], { label: `id ${flag} postgres` });
	return Number(result.stdout.trim());
}

/**
 * A temporary folder for the cluster (removed at exit), the password in a file for initdb, and
 * `as(name, args)`: the command that runs a PostgreSQL binary (as the postgres user when root).
 */
async function clusterFolder(bin) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'segmind-pg-'));
	process.on('exit', () => {
		try {
			fs.rmSync(dir, { recursive: true, force: true });
		} catch {
			/* a server killed a moment ago may still be writing: best effort */
		}
	});
	const socketDir = path.join(dir, 'run');
	fs.mkdirSync(socketDir);
	const password = crypto.randomBytes(18).toString('hex');
	const passwordFile = path.join(dir, 'password');
	fs.writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
	const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
	if (asRoot) {
		const [uid, gid] = [await idOf('-u'), await idOf('-g')];
		for (const file of [dir, socketDir, passwordFile]) fs.chownSync(file, uid, gid);
	}
	// As root: `runuser -u postgres -- <bin>`; otherwise the binary itself, as this user.
	const as = (name, args) =>
		asRoot
			? ['runuser', ['-u', 'postgres', '--', path.join(bin, name), ...args]]
			: [path.join(bin, name), args];
	return { dir, dataDir: path.join(dir, 'data'), socketDir, password, passwordFile, as };
}

/** initdb with the n8n user, then the server on a free 127.0.0.1 port, without durability. */
async function initAndStart({ dir, dataDir, socketDir, passwordFile, as }) {
	await runOk(
		...as('initdb', [
			'-D',
			dataDir,
			'-U',
			USER,
			`--pwfile=${passwordFile}`,
			'--auth=scram-sha-256',
			'--encoding=UTF8',
			'--locale=C',
			'--no-sync',
		]),
		{ cwd: dir, label: 'initdb', timeoutMs: 120000 },
	);
	fs.rmSync(passwordFile);
	const port = await freePort();
	const daemon = startDaemon(
		...as('postgres', [
			'-D',
			dataDir,
			'-p',
			String(port),
			'-c',
			'listen_addresses=127.0.0.1',
			'-c',
			`unix_socket_directories=${socketDir}`,
			// A throw-away cluster: durability buys nothing and costs the soak's 2 cores.
			'-c',
			'fsync=off',
			'-c',
			'synchronous_commit=off',
			'-c',
			'full_page_writes=off',
		]),
		{ cwd: dir, label: `postgres :${port}` },
	);
	return { port, daemon };
}

/** Waits for pg_isready (stopping the server if it does not come up in time). */
async function untilReady(bin, daemon, hostArgs, started, timeoutMs) {
	for (;;) {
		if (daemon.exited)
			throw new Error(`postgres exited at start:\n${daemon.output().slice(-3000)}`);
		const ready = await run(path.join(bin, 'pg_isready'), [...hostArgs, '-d', 'postgres'], {
			label: 'pg_isready',
			timeoutMs: 10000,
		}).catch(() => ({ code: 1 }));
		if (ready.code === 0) return;
		if (Date.now() - started > timeoutMs) {
			await daemon.stop();
			throw new Error(`postgres not ready after ${timeoutMs / 1000} s:\n${daemon.output()}`);
		}
		await sleep(200);
	}
}

/**
 * Starts the server and creates the database n8n uses. Returns { port, version, env (n8n's DB_*
 * settings), connection (for a client), dump(), output(), stop(), ... }. The password is only
 * ever passed in environments and the client's options, never printed.
 */
async function startPostgres({ log = () => {}, timeoutMs = 30000 } = {}) {
	const apt = await ensurePackages(['postgresql'], { why: 'n8n on PostgreSQL (soak)', log });
	const bin = binDir();
	const cluster = await clusterFolder(bin);
	const { dir, password } = cluster;
	const started = Date.now();
	const { port, daemon } = await initAndStart(cluster);
	const clientEnv = { ...process.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: '5' };
	const hostArgs = ['-h', '127.0.0.1', '-p', String(port), '-U', USER];
	await untilReady(bin, daemon, hostArgs, started, timeoutMs);
	await runOk(path.join(bin, 'createdb'), [...hostArgs, DATABASE], {
		env: clientEnv,
		label: 'createdb',
	});
	const about = await runOk(path.join(bin, 'postgres'), ['--version'], { label: 'postgres -V' });
	const version = (/(\d+(\.\d+)*)/.exec(about.stdout) || [])[1] || 'unknown';
	const connection = { host: '127.0.0.1', port, user: USER, password, database: DATABASE };
	return {
		port,
		version,
		binDir: bin,
		apt,
		readyMs: Date.now() - started,
		connection,
		env: {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(port),
			DB_POSTGRESDB_DATABASE: DATABASE,
			DB_POSTGRESDB_USER: USER,
			DB_POSTGRESDB_PASSWORD: password,
		},
		output: () => daemon.output(),
		/** pg_dump of n8n's database as SQL text (every table, bytea as hex). */
		async dump() {
			const result = await runOk(path.join(bin, 'pg_dump'), [...hostArgs, '-d', DATABASE], {
				env: clientEnv,
				label: 'pg_dump',
				timeoutMs: 120000,
			});
			return result.stdout;
		},
		async stop() {
			await daemon.stop(15000);
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}

/** A client from the `pg` module n8n itself ships (its install folder), connected. */
async function connect(n8nInstallDir, connection) {
	const { Client } = require(path.join(n8nInstallDir, 'node_modules', 'pg'));
	const client = new Client(connection);
	await client.connect();
	return client;
}

module.exports = { startPostgres, connect };
